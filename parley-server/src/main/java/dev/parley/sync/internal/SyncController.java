package dev.parley.sync.internal;

import dev.parley.account.Caller;
import dev.parley.sync.Sync;
import dev.parley.sync.SyncResult;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
@Tag(name = "Sync")
@SecurityRequirement(name = "bearer")
class SyncController {
    private final Sync sync;

    SyncController(Sync sync) {
        this.sync = sync;
    }

    @GetMapping("/api/v1/sync")
    @Operation(summary = "What changed since a sync token (none: the full state); then pull each changed conversation's history after your last seq")
    SyncResult sync(Caller caller, @RequestParam(required = false) String token) {
        return sync.sync(caller, token);
    }
}
