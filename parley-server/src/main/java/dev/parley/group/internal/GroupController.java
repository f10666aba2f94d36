package dev.parley.group.internal;

import dev.parley.account.Caller;
import dev.parley.conversation.GroupView;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** REST for groups and invite links (docs/protocol.md §12). Every change is also a system entry in the group. */
@RestController
@RequestMapping("/api/v1")
@Tag(name = "Groups")
@SecurityRequirement(name = "bearer")
class GroupController {
    record NewGroup(String name, List<Long> memberIds) {}

    record GroupChange(String name, String announcement, Boolean allMuted) {}

    record NewMembers(List<Long> userIds) {}

    record RoleChange(String role) {}

    record Transfer(Long userId) {}

    record Mute(Integer minutes) {}

    record NewInvite(Integer expiresInHours, Integer maxUses) {}

    private final GroupCreation creation;
    private final GroupMembership membership;
    private final GroupAdministration administration;
    private final GroupInvites invites;
    private final GroupBans bans;

    GroupController(GroupCreation creation, GroupMembership membership, GroupAdministration administration, GroupInvites invites,
                    GroupBans bans) {
        this.creation = creation;
        this.membership = membership;
        this.administration = administration;
        this.invites = invites;
        this.bans = bans;
    }

    @PostMapping("/groups")
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(summary = "Create a group with friends; you are its owner")
    GroupView create(Caller caller, @RequestBody NewGroup r) {
        return creation.create(caller, r.name(), r.memberIds());
    }

    @GetMapping("/groups/{id}")
    @Operation(summary = "A group you are a member of; a former member sees it as it was when their membership ended")
    GroupView group(Caller caller, @PathVariable long id) {
        return membership.view(caller, id);
    }

    @GetMapping("/groups/{id}/members")
    @Operation(summary = "Current members by user id, paged: after = the previous page's next")
    GroupMembership.Page members(Caller caller, @PathVariable long id, @RequestParam(required = false) Long after,
                                 @RequestParam(required = false) Integer limit) {
        return membership.members(caller, id, after, limit);
    }

    @PatchMapping("/groups/{id}")
    @Operation(summary = "Rename, set the announcement (empty clears it), mute or unmute everyone but admins (admins)")
    GroupView update(Caller caller, @PathVariable long id, @RequestBody GroupChange r) {
        return administration.update(caller, id, r.name(), r.announcement(), r.allMuted());
    }

    @PostMapping("/groups/{id}/members")
    @Operation(summary = "Add friends to the group (admins)")
    GroupView add(Caller caller, @PathVariable long id, @RequestBody NewMembers r) {
        return membership.add(caller, id, r.userIds());
    }

    @DeleteMapping("/groups/{id}/members/{userId}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @Operation(summary = "Remove a member (admins remove members, the owner anyone)")
    void remove(Caller caller, @PathVariable long id, @PathVariable long userId) {
        membership.remove(caller, id, userId);
    }

    @PutMapping("/groups/{id}/bans/{userId}")
    @Operation(summary = "Ban a user until the ban is lifted, removing them if they are a member (admins; the owner bans admins)")
    GroupBans.BanView ban(Caller caller, @PathVariable long id, @PathVariable long userId) {
        return bans.ban(caller, id, userId);
    }

    @DeleteMapping("/groups/{id}/bans/{userId}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @Operation(summary = "Lift a ban (admins); the user is not added back")
    void liftBan(Caller caller, @PathVariable long id, @PathVariable long userId) {
        bans.lift(caller, id, userId);
    }

    @GetMapping("/groups/{id}/bans")
    @Operation(summary = "The group's bans by user id, paged: after = the previous page's next (admins)")
    GroupBans.Page listBans(Caller caller, @PathVariable long id, @RequestParam(required = false) Long after,
                            @RequestParam(required = false) Integer limit) {
        return bans.list(caller, id, after, limit);
    }

    @PostMapping("/groups/{id}/leave")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @Operation(summary = "Leave the group (the owner transfers ownership first, unless they are the last member)")
    void leave(Caller caller, @PathVariable long id) {
        membership.leave(caller, id);
    }

    @PutMapping("/groups/{id}/members/{userId}/role")
    @Operation(summary = "Make a member an admin or an admin a member (owner)")
    GroupAccess.MemberView role(Caller caller, @PathVariable long id, @PathVariable long userId, @RequestBody RoleChange r) {
        return administration.setRole(caller, id, userId, r.role());
    }

    @PostMapping("/groups/{id}/transfer")
    @Operation(summary = "Transfer ownership to a member (owner); you become an admin")
    GroupView transfer(Caller caller, @PathVariable long id, @RequestBody Transfer r) {
        return administration.transfer(caller, id, r.userId());
    }

    @PutMapping("/groups/{id}/members/{userId}/mute")
    @Operation(summary = "Mute a member for some minutes (admins over members, the owner over anyone)")
    GroupAccess.MemberView mute(Caller caller, @PathVariable long id, @PathVariable long userId, @RequestBody Mute r) {
        return administration.mute(caller, id, userId, r.minutes());
    }

    @DeleteMapping("/groups/{id}/members/{userId}/mute")
    @Operation(summary = "Unmute a member")
    GroupAccess.MemberView unmute(Caller caller, @PathVariable long id, @PathVariable long userId) {
        return administration.unmute(caller, id, userId);
    }

    @DeleteMapping("/groups/{id}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @Operation(summary = "Dissolve the group (owner)")
    void dissolve(Caller caller, @PathVariable long id) {
        administration.dissolve(caller, id);
    }

    @PostMapping("/groups/{id}/invites")
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(summary = "Create an invite link (admins); without expiresInHours it lasts until revoked, without maxUses it admits anyone")
    GroupInvites.InviteView createInvite(Caller caller, @PathVariable long id, @RequestBody(required = false) NewInvite r) {
        return invites.create(caller, id, r == null ? null : r.expiresInHours(), r == null ? null : r.maxUses());
    }

    @GetMapping("/groups/{id}/invites")
    @Operation(summary = "The group's live invite links (admins)")
    List<GroupInvites.InviteView> listInvites(Caller caller, @PathVariable long id) {
        return invites.list(caller, id);
    }

    @DeleteMapping("/groups/{id}/invites/{code}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @Operation(summary = "Revoke an invite link (admins)")
    void revokeInvite(Caller caller, @PathVariable long id, @PathVariable String code) {
        invites.revoke(caller, id, code);
    }

    @GetMapping("/invites/{code}")
    @Operation(summary = "The group an invite link leads to")
    GroupInvites.Preview preview(Caller caller, @PathVariable String code) {
        return invites.preview(caller, code);
    }

    @PostMapping("/invites/{code}/join")
    @Operation(summary = "Join a group by invite link")
    GroupView join(Caller caller, @PathVariable String code) {
        return invites.join(caller, code);
    }
}
