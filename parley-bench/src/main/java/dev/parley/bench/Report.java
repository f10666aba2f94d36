package dev.parley.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/** A Markdown table printed to the terminal and appended to the run's report file. */
final class Report {
    private final Path file;

    Report(Path file) {
        this.file = file;
    }

    void section(String title, String text) throws IOException {
        write("\n## " + title + "\n\n" + text + "\n");
    }

    void table(List<String> header, List<List<String>> rows) throws IOException {
        StringBuilder sb = new StringBuilder("\n| ").append(String.join(" | ", header)).append(" |\n|");
        header.forEach(h -> sb.append("---|"));
        sb.append('\n');
        for (List<String> r : rows) sb.append("| ").append(String.join(" | ", r)).append(" |\n");
        write(sb.toString());
    }

    static List<String> row(Object... cells) {
        List<String> out = new ArrayList<>();
        for (Object c : cells) out.add(String.valueOf(c));
        return out;
    }

    private void write(String s) throws IOException {
        System.out.print(s);
        System.out.flush();
        Files.writeString(file, s, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
}
