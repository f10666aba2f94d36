package dev.parley.conversation.internal;

import dev.parley.account.Caller;
import dev.parley.conversation.ConversationSettings;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/v1/conversations")
@Tag(name = "Conversations")
@SecurityRequirement(name = "bearer")
class SettingsController {
    record SettingsChange(Boolean pinned, Boolean muted, Boolean archived) {}

    private final ConversationSettings settings;

    SettingsController(ConversationSettings settings) {
        this.settings = settings;
    }

    @PatchMapping("/{id}/settings")
    @Operation(summary = "Pin, mute (no notifications) or archive a conversation for yourself; synced to your devices")
    ConversationSettings.Settings change(Caller caller, @PathVariable long id, @RequestBody SettingsChange r) {
        return settings.change(caller, id, r.pinned(), r.muted(), r.archived());
    }

    @PostMapping("/{id}/clear")
    @Operation(summary = "Delete for me: hide the history up to now; the conversation leaves your list until a new entry")
    ConversationSettings.Settings clear(Caller caller, @PathVariable long id) {
        return settings.clear(caller, id);
    }
}
