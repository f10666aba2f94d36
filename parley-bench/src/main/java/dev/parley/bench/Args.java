package dev.parley.bench;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** {@code scenario --key value --flag}: the few options a benchmark run takes. */
final class Args {
    final List<String> positional = new ArrayList<>();
    private final Map<String, String> options = new HashMap<>();

    static Args parse(String[] args) {
        Args a = new Args();
        for (int i = 0; i < args.length; i++) {
            if (args[i].startsWith("--")) {
                String key = args[i].substring(2);
                String value = i + 1 < args.length && !args[i + 1].startsWith("--") ? args[++i] : "true";
                a.options.put(key, value);
            } else {
                a.positional.add(args[i]);
            }
        }
        return a;
    }

    String get(String key, String dflt) { return options.getOrDefault(key, dflt); }

    int integer(String key, int dflt) { return Integer.parseInt(get(key, Integer.toString(dflt))); }
}
