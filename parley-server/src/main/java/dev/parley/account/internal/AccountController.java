package dev.parley.account.internal;

import dev.parley.account.Caller;
import dev.parley.account.UserSummary;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;

/** REST for accounts, tokens, device sessions and user search. Handlers block; they run on virtual threads. */
@RestController
@RequestMapping("/api/v1")
@Tag(name = "Accounts")
class AccountController {
    /** {@code token}: a registration token, needed when the server's registration mode is {@code invite}. */
    record RegisterRequest(String username, String displayName, String password, String token) {}

    /** {@code useCookie}: the refresh token goes into an HttpOnly cookie instead of the body (browsers). */
    record LoginRequest(String username, String password, String deviceName, Boolean useCookie) {}

    record RefreshRequest(String refreshToken) {}

    record ProfileChange(String displayName, String presenceVisibility) {}

    record PasswordChange(String currentPassword, String newPassword) {}

    private final Registration registration;
    private final DeviceSessions sessions;
    private final Profiles profiles;
    private final RefreshCookie cookies;
    private final RequestOrigin origin;

    AccountController(Registration registration, DeviceSessions sessions, Profiles profiles, RefreshCookie cookies, RequestOrigin origin) {
        this.cookies = cookies;
        this.origin = origin;
        this.registration = registration;
        this.sessions = sessions;
        this.profiles = profiles;
    }

    @PostMapping("/accounts")
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(summary = "Register an account")
    UserSummary register(@RequestBody RegisterRequest r, ServerWebExchange exchange) {
        return registration.register(r.username(), r.displayName(), r.password(), r.token(), origin.address(exchange));
    }

    @PostMapping("/auth/login")
    @Operation(summary = "Log in: opens a device session, returns an access and a refresh token")
    DeviceSessions.Tokens login(@RequestBody LoginRequest r, ServerWebExchange exchange) {
        String device = r.deviceName() != null ? r.deviceName() : exchange.getRequest().getHeaders().getFirst(HttpHeaders.USER_AGENT);
        DeviceSessions.Tokens t = sessions.login(r.username(), r.password(), device, origin.address(exchange));
        return Boolean.TRUE.equals(r.useCookie()) ? cookies.store(exchange, t) : t;
    }

    @PostMapping("/auth/refresh")
    @Operation(summary = "Trade a refresh token for new tokens (the old refresh token stops working)")
    DeviceSessions.Tokens refresh(@RequestBody(required = false) RefreshRequest r, ServerWebExchange exchange) {
        String presented = r != null && r.refreshToken() != null ? r.refreshToken() : cookies.read(exchange);
        if (r != null && r.refreshToken() != null) return sessions.refresh(presented);
        try {
            return cookies.store(exchange, sessions.refresh(presented));
        } catch (RuntimeException e) {
            cookies.clear(exchange); // a dead cookie would only fail again
            throw e;
        }
    }

    @PostMapping("/auth/logout")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @Operation(summary = "End this device session", security = @SecurityRequirement(name = "bearer"))
    void logout(Caller caller, ServerWebExchange exchange) {
        sessions.logout(caller);
        cookies.clear(exchange);
    }

    @GetMapping("/me")
    @Operation(summary = "Own profile, with the presence setting", security = @SecurityRequirement(name = "bearer"))
    Profiles.Me me(Caller caller) {
        return profiles.me(caller.userId());
    }

    @PatchMapping("/me")
    @Operation(summary = "Change own display name and/or who sees your presence (friends, nobody)", security = @SecurityRequirement(name = "bearer"))
    Profiles.Me update(Caller caller, @RequestBody ProfileChange r) {
        return profiles.update(caller.userId(), r.displayName(), r.presenceVisibility());
    }

    @PostMapping("/me/password")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @Operation(summary = "Change password; revokes every other device session", security = @SecurityRequirement(name = "bearer"))
    void changePassword(Caller caller, @RequestBody PasswordChange r) {
        sessions.changePassword(caller, r.currentPassword(), r.newPassword());
    }

    @GetMapping("/me/sessions")
    @Operation(summary = "Own live device sessions", security = @SecurityRequirement(name = "bearer"))
    List<DeviceSessions.SessionView> deviceSessions(Caller caller) {
        return sessions.list(caller);
    }

    @DeleteMapping("/me/sessions/{id}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @Operation(summary = "Revoke one of own device sessions", security = @SecurityRequirement(name = "bearer"))
    void revoke(Caller caller, @PathVariable long id) {
        sessions.revokeOwn(caller.userId(), id);
    }

    @GetMapping("/users")
    @Operation(summary = "Find users by username or display-name prefix, paged", security = @SecurityRequirement(name = "bearer"))
    Profiles.Page search(Caller caller, @RequestParam(required = false) String q,
                         @RequestParam(required = false) Integer limit, @RequestParam(required = false) String after) {
        return profiles.search(caller.userId(), q, limit, after);
    }

    @GetMapping("/users/{id}")
    @Operation(summary = "One user's public profile", security = @SecurityRequirement(name = "bearer"))
    UserSummary user(Caller caller, @PathVariable long id) {
        return profiles.get(id);
    }
}
