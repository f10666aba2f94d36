package dev.parley.friend.internal;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code parley.friends.*}. {@code declineCooldown}: after a user declines a request, its sender cannot ask them
 * again for this long ({@code request_cooldown}); the decliner may still ask the sender.
 */
@ConfigurationProperties("parley.friends")
record FriendSettings(Duration declineCooldown) {}
