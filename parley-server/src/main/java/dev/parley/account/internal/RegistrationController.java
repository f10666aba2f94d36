package dev.parley.account.internal;

import dev.parley.account.Caller;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import java.util.Locale;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** The registration policy for clients, and registration tokens for invite-only servers. */
@RestController
@RequestMapping("/api/v1")
@Tag(name = "Accounts")
class RegistrationController {
    record Policy(String mode) {}

    /** {@code expiresIn} in seconds; both optional. */
    record NewToken(Integer maxUses, Long expiresIn) {}

    private final Registration registration;
    private final RegistrationTokens tokens;

    RegistrationController(Registration registration, RegistrationTokens tokens) {
        this.registration = registration;
        this.tokens = tokens;
    }

    @GetMapping("/registration")
    @Operation(summary = "How this server accepts new accounts: open, invite (a registration token is needed) or closed")
    Policy policy() {
        return new Policy(registration.mode().name().toLowerCase(Locale.ROOT));
    }

    @PostMapping("/registration-tokens")
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(summary = "Create a registration token (admins; other users when allowed, within caps)", security = @SecurityRequirement(name = "bearer"))
    RegistrationTokens.View create(Caller caller, @RequestBody(required = false) NewToken r) {
        return tokens.create(caller, r == null ? null : r.maxUses(), r == null ? null : r.expiresIn());
    }

    @GetMapping("/registration-tokens")
    @Operation(summary = "Own registration tokens that are not revoked (admins: everybody's), newest first", security = @SecurityRequirement(name = "bearer"))
    List<RegistrationTokens.View> list(Caller caller) {
        return tokens.list(caller);
    }

    @DeleteMapping("/registration-tokens/{token}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @Operation(summary = "Revoke a registration token of yours (admins: any)", security = @SecurityRequirement(name = "bearer"))
    void revoke(Caller caller, @PathVariable String token) {
        tokens.revoke(caller, token);
    }
}
