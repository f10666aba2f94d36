package dev.parley.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;

/** A small line chart written as PNG with java.awt (headless): no plotting library to install. */
final class Plot {
    record Series(String name, double[] x, double[] y) {}

    private static final Color[] COLORS = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c),
            new Color(0xff7f0e), new Color(0x9467bd), new Color(0x8c564b)};

    private Plot() {}

    static void lines(Path file, String title, String xLabel, String yLabel, List<Series> series, boolean logY) throws IOException {
        System.setProperty("java.awt.headless", "true");
        int w = 900, h = 520, left = 90, right = 30, top = 50, bottom = 70;
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, h);
        double minX = Double.MAX_VALUE, maxX = -Double.MAX_VALUE, minY = Double.MAX_VALUE, maxY = -Double.MAX_VALUE;
        for (Series s : series) {
            for (double v : s.x()) { minX = Math.min(minX, v); maxX = Math.max(maxX, v); }
            for (double v : s.y()) { double t = ty(v, logY); minY = Math.min(minY, t); maxY = Math.max(maxY, t); }
        }
        if (!logY) minY = Math.min(0, minY);
        if (maxX == minX) maxX = minX + 1;
        if (maxY == minY) maxY = minY + 1;
        maxY += (maxY - minY) * 0.08;
        int pw = w - left - right, ph = h - top - bottom;
        g.setColor(new Color(0xdddddd));
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        for (int i = 0; i <= 5; i++) {
            int yy = top + ph - i * ph / 5;
            g.drawLine(left, yy, left + pw, yy);
            double v = minY + (maxY - minY) * i / 5;
            g.setColor(Color.DARK_GRAY);
            g.drawString(fmt(logY ? Math.pow(10, v) : v), 8, yy + 4);
            g.setColor(new Color(0xdddddd));
        }
        g.setColor(Color.DARK_GRAY);
        for (int i = 0; i <= 5; i++) {
            int xx = left + i * pw / 5;
            g.drawString(fmt(minX + (maxX - minX) * i / 5), xx - 15, top + ph + 20);
        }
        g.drawRect(left, top, pw, ph);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        g.drawString(title, left, 30);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        g.drawString(xLabel, left + pw / 2 - 60, h - 25);
        g.drawString(yLabel + (logY ? " (log scale)" : ""), left, top - 8);
        int legendY = top + 15;
        for (int si = 0; si < series.size(); si++) {
            Series s = series.get(si);
            g.setColor(COLORS[si % COLORS.length]);
            g.setStroke(new BasicStroke(2.2f));
            for (int i = 0; i < s.x().length; i++) {
                int px = left + (int) ((s.x()[i] - minX) / (maxX - minX) * pw);
                int py = top + ph - (int) ((ty(s.y()[i], logY) - minY) / (maxY - minY) * ph);
                g.fillOval(px - 4, py - 4, 8, 8);
                if (i > 0) {
                    int qx = left + (int) ((s.x()[i - 1] - minX) / (maxX - minX) * pw);
                    int qy = top + ph - (int) ((ty(s.y()[i - 1], logY) - minY) / (maxY - minY) * ph);
                    g.drawLine(qx, qy, px, py);
                }
            }
            g.fillRect(left + pw - 170, legendY - 9, 14, 4);
            g.setColor(Color.DARK_GRAY);
            g.drawString(s.name(), left + pw - 150, legendY - 3);
            legendY += 18;
        }
        g.dispose();
        ImageIO.write(img, "png", file.toFile());
    }

    private static double ty(double v, boolean log) {
        return log ? Math.log10(Math.max(v, 1e-3)) : v;
    }

    private static String fmt(double v) {
        if (Math.abs(v) >= 1000) return String.format("%,.0f", v);
        if (Math.abs(v) >= 10) return String.format("%.0f", v);
        return String.format("%.2f", v);
    }
}
