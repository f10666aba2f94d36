package dev.parley;

import org.junit.jupiter.api.Test;
import org.springframework.modulith.core.ApplicationModules;

/** Feature modules talk only through each other's root packages; nothing reaches into another's internal. */
class ModularityTest {
    @Test
    void modulesRespectTheirBoundaries() {
        ApplicationModules.of(ParleyApplication.class).verify();
    }
}
