package dev.jtune.train;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Line charts of metrics against steps as PNG files, drawn with Java2D in headless mode (no display needed). Each
 * file is written to a temporary name and renamed, so a reader never sees half an image.
 */
public final class Plots {

    private static final int WIDTH = 900;
    private static final int HEIGHT = 540;
    private static final int LEFT = 80;
    private static final int RIGHT = 30;
    private static final int TOP = 50;
    private static final int BOTTOM = 60;
    private static final Color[] COLORS = {
        new Color(31, 119, 180), new Color(255, 127, 14), new Color(44, 160, 44), new Color(214, 39, 40),
        new Color(148, 103, 189), new Color(140, 86, 75)
    };

    private Plots() {
    }

    /**
     * Plots the named metrics of a {@code metrics.jsonl} file into {@code png}; metrics with no finite value are
     * left out. Returns false (and writes nothing) when none of them has a point.
     */
    public static boolean metrics(Path metricsJsonl, Path png, String title, String... names) throws IOException {
        var rows = MetricsLog.read(metricsJsonl);
        List<Series> series = new ArrayList<>();
        for (String name : names) {
            Series s = Series.fromMetrics(rows, name);
            if (s.size() > 0) {
                series.add(s);
            }
        }
        if (series.isEmpty()) {
            return false;
        }
        write(png, title, "step", series);
        return true;
    }

    /** Draws {@code series} (at least one, each with a point) as lines with axes, ticks and a legend. */
    public static void write(Path png, String title, String xLabel, List<Series> series) throws IOException {
        if (series.isEmpty() || series.stream().anyMatch(s -> s.size() == 0)) {
            throw new IllegalArgumentException("plot '" + title + "' needs series with at least one point each");
        }
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
        double xMin = Double.POSITIVE_INFINITY;
        double xMax = Double.NEGATIVE_INFINITY;
        double yMin = Double.POSITIVE_INFINITY;
        double yMax = Double.NEGATIVE_INFINITY;
        for (Series s : series) {
            for (int i = 0; i < s.size(); i++) {
                xMin = Math.min(xMin, s.steps()[i]);
                xMax = Math.max(xMax, s.steps()[i]);
                yMin = Math.min(yMin, s.values()[i]);
                yMax = Math.max(yMax, s.values()[i]);
            }
        }
        Axis x = Axis.of(xMin, xMax);
        Axis y = Axis.of(yMin, yMax);

        BufferedImage img = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, WIDTH, HEIGHT);
            int plotW = WIDTH - LEFT - RIGHT;
            int plotH = HEIGHT - TOP - BOTTOM;
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            FontMetrics fm = g.getFontMetrics();
            for (double t : x.ticks()) {
                int px = LEFT + (int) Math.round(x.fraction(t) * plotW);
                g.setColor(new Color(230, 230, 230));
                g.drawLine(px, TOP, px, TOP + plotH);
                g.setColor(Color.DARK_GRAY);
                g.drawLine(px, TOP + plotH, px, TOP + plotH + 5);
                String label = x.label(t);
                g.drawString(label, px - fm.stringWidth(label) / 2, TOP + plotH + 8 + fm.getAscent());
            }
            for (double t : y.ticks()) {
                int py = TOP + plotH - (int) Math.round(y.fraction(t) * plotH);
                g.setColor(new Color(230, 230, 230));
                g.drawLine(LEFT, py, LEFT + plotW, py);
                g.setColor(Color.DARK_GRAY);
                g.drawLine(LEFT - 5, py, LEFT, py);
                String label = y.label(t);
                g.drawString(label, LEFT - 8 - fm.stringWidth(label), py + fm.getAscent() / 2 - 1);
            }
            g.setColor(Color.BLACK);
            g.drawRect(LEFT, TOP, plotW, plotH);
            g.drawString(xLabel, LEFT + plotW / 2 - fm.stringWidth(xLabel) / 2, HEIGHT - 15);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
            g.drawString(title, LEFT, TOP - 20);

            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            g.setStroke(new BasicStroke(1.8f));
            int legendY = TOP + 18;
            for (int k = 0; k < series.size(); k++) {
                Series s = series.get(k);
                Color c = COLORS[k % COLORS.length];
                g.setColor(c);
                Path2D.Double line = new Path2D.Double();
                for (int i = 0; i < s.size(); i++) {
                    double px = LEFT + x.fraction(s.steps()[i]) * plotW;
                    double py = TOP + plotH - y.fraction(s.values()[i]) * plotH;
                    if (i == 0) {
                        line.moveTo(px, py);
                    } else {
                        line.lineTo(px, py);
                    }
                    if (s.size() < 40) {
                        g.fillOval((int) px - 3, (int) py - 3, 6, 6);
                    }
                }
                g.draw(line);
                int lx = LEFT + plotW - 160;
                g.drawLine(lx, legendY - 4, lx + 24, legendY - 4);
                g.setColor(Color.BLACK);
                g.drawString(s.name(), lx + 30, legendY);
                legendY += 18;
            }
        } finally {
            g.dispose();
        }
        Path dir = png.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + png.getFileName(), ".tmp");
        try {
            if (!ImageIO.write(img, "png", tmp.toFile())) {
                throw new IOException("no PNG writer available for " + png);
            }
            Files.move(tmp, png, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** A linear axis over [lo, hi] widened to round tick values. */
    private record Axis(double lo, double hi, double step) {

        static Axis of(double min, double max) {
            if (min == max) {
                double pad = min == 0 ? 1 : Math.abs(min) * 0.1;
                min -= pad;
                max += pad;
            }
            double step = nice((max - min) / 5);
            return new Axis(Math.floor(min / step) * step, Math.ceil(max / step) * step, step);
        }

        /** 1, 2 or 5 times a power of ten, near {@code raw}. */
        private static double nice(double raw) {
            double pow = Math.pow(10, Math.floor(Math.log10(raw)));
            double f = raw / pow;
            return (f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10) * pow;
        }

        double fraction(double v) {
            return (v - lo) / (hi - lo);
        }

        List<Double> ticks() {
            List<Double> out = new ArrayList<>();
            for (long i = 0; lo + i * step <= hi + step * 1e-9; i++) {
                out.add(lo + i * step);
            }
            return out;
        }

        String label(double v) {
            double a = Math.abs(v);
            if (a != 0 && (a >= 1e5 || a < 1e-3)) {
                return String.format(Locale.ROOT, "%.1e", v);
            }
            int decimals = Math.max(0, (int) -Math.floor(Math.log10(step)));
            return String.format(Locale.ROOT, "%." + decimals + "f", Math.abs(v) < step * 1e-9 ? 0.0 : v);
        }
    }
}
