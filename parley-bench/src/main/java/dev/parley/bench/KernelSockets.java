package dev.parley.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Kernel memory held by TCP sockets, machine-wide (/proc/net/sockstat "TCP: ... mem N", in pages). */
final class KernelSockets {
    private KernelSockets() {}

    static long tcpMemKib() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/net/sockstat"))) {
            if (line.startsWith("TCP:")) {
                String[] f = line.split("\\s+");
                for (int i = 0; i < f.length - 1; i++) if (f[i].equals("mem")) return Long.parseLong(f[i + 1]) * 4;
            }
        }
        return -1;
    }
}
