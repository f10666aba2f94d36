package dev.parley.friend.internal;

import dev.parley.account.Caller;
import dev.parley.account.UserSummary;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/v1")
@Tag(name = "Friends")
@SecurityRequirement(name = "bearer")
class FriendController {
    record NewRequest(Long userId, String note) {}

    private final FriendRequests requests;
    private final FriendList friends;

    FriendController(FriendRequests requests, FriendList friends) {
        this.requests = requests;
        this.friends = friends;
    }

    @PostMapping("/friends/requests")
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(summary = "Send a friend request with an optional note")
    FriendRequests.RequestView send(Caller caller, @RequestBody NewRequest r) {
        return requests.send(caller.userId(), r.userId(), r.note());
    }

    @GetMapping("/friends/requests")
    @Operation(summary = "Pending requests: direction=incoming (default) or outgoing")
    List<FriendRequests.RequestView> list(Caller caller, @RequestParam(required = false) String direction) {
        return requests.list(caller.userId(), direction);
    }

    @PostMapping("/friends/requests/{id}/accept")
    @Operation(summary = "Accept a request sent to you")
    FriendRequests.RequestView accept(Caller caller, @PathVariable long id) {
        return requests.accept(caller.userId(), id);
    }

    @PostMapping("/friends/requests/{id}/decline")
    @Operation(summary = "Decline a request sent to you")
    FriendRequests.RequestView decline(Caller caller, @PathVariable long id) {
        return requests.decline(caller.userId(), id);
    }

    @PostMapping("/friends/requests/{id}/cancel")
    @Operation(summary = "Cancel a request you sent")
    FriendRequests.RequestView cancel(Caller caller, @PathVariable long id) {
        return requests.cancel(caller.userId(), id);
    }

    @GetMapping("/friends")
    @Operation(summary = "Your friends")
    List<FriendList.Friend> friends(Caller caller) {
        return friends.friends(caller.userId());
    }

    @DeleteMapping("/friends/{userId}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @Operation(summary = "Remove a friend")
    void remove(Caller caller, @PathVariable long userId) {
        friends.remove(caller.userId(), userId);
    }

    @GetMapping("/blocks")
    @Operation(summary = "Users you block")
    List<UserSummary> blocked(Caller caller) {
        return friends.blocked(caller.userId());
    }

    @PutMapping("/blocks/{userId}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @Operation(summary = "Block a user: ends friendship and pending requests; they can no longer reach you")
    void block(Caller caller, @PathVariable long userId) {
        friends.block(caller.userId(), userId);
    }

    @DeleteMapping("/blocks/{userId}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @Operation(summary = "Unblock a user")
    void unblock(Caller caller, @PathVariable long userId) {
        friends.unblock(caller.userId(), userId);
    }
}
