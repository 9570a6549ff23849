package dev.easel.e2e;

import java.awt.Graphics2D;
import java.awt.Image;
import java.awt.RenderingHints;
import java.awt.Shape;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * tiny-shapes' adherence checker (models/training/adherence.py) in Java, with the scene geometry of its renderer
 * (models/training/easel_common.py). Background: the per-channel median of the 2-pixel border ring, nearest of the
 * background palette. Object: every pixel more than 80 (RGB distance) from it; its colour the median of the
 * object's interior, nearest of the object palette. Shape: the best IoU between the object and each shape's
 * template drawn at the object's centroid with the radius its area implies (searched over ±10 % and ±1 px);
 * size from that radius, position the nominal centre nearest the centroid.
 */
final class AdherenceCheck {

    static final int SIZE = 64;
    static final Map<String, int[]> OBJECT = Map.of("red", new int[] {220, 30, 30}, "orange", new int[] {255, 140, 0},
            "yellow", new int[] {240, 220, 30}, "green", new int[] {30, 170, 50}, "blue", new int[] {30, 70, 220},
            "purple", new int[] {140, 40, 180}, "pink", new int[] {255, 120, 190}, "brown", new int[] {130, 80, 30});
    static final Map<String, int[]> BACKGROUND = Map.of("white", new int[] {245, 245, 245},
            "black", new int[] {20, 20, 20}, "gray", new int[] {128, 128, 128});
    static final List<String> SHAPES = List.of("circle", "square", "triangle", "star");
    /** Nominal radii (px on the 64-px canvas). */
    static final Map<String, Double> SIZES = Map.of("small", 11.0, "large", 17.0);
    /** Nominal object centres. */
    static final Map<String, double[]> POSITIONS = positions();

    private static final double SIZE_SPLIT = (11.0 + 17.0) / 2;
    private static final int SUPERSAMPLE = 4;
    private static final Map<String, Double> UNIT_AREA = unitAreas();

    /** What the checker sees (all null but the background when there is no object). */
    record Verdict(String background, String colour, String shape, String size, String position) {
    }

    private AdherenceCheck() {
    }

    private static Map<String, double[]> positions() {
        Map<String, double[]> p = new LinkedHashMap<>();
        p.put("center", new double[] {32, 32});
        p.put("left", new double[] {19, 32});
        p.put("right", new double[] {45, 32});
        p.put("top", new double[] {32, 19});
        p.put("bottom", new double[] {32, 45});
        return p;
    }

    private static Map<String, Double> unitAreas() {
        Map<String, Double> areas = new LinkedHashMap<>();
        for (String shape : SHAPES) {
            double sum = 0;
            for (double v : coverage(shape, 32, 32, 10)) {
                sum += v;
            }
            areas.put(shape, sum / 100.0);
        }
        return areas;
    }

    static Verdict classify(BufferedImage image) {
        BufferedImage small = image;
        if (image.getWidth() != SIZE || image.getHeight() != SIZE) {
            small = new BufferedImage(SIZE, SIZE, BufferedImage.TYPE_INT_RGB);
            small.getGraphics().drawImage(image.getScaledInstance(SIZE, SIZE, Image.SCALE_SMOOTH), 0, 0, null);
        }
        double[][] px = new double[SIZE * SIZE][];
        List<double[]> border = new ArrayList<>();
        for (int y = 0; y < SIZE; y++) {
            for (int x = 0; x < SIZE; x++) {
                int rgb = small.getRGB(x, y);
                px[y * SIZE + x] = new double[] {(rgb >> 16) & 255, (rgb >> 8) & 255, rgb & 255};
                if (y < 2 || y >= SIZE - 2 || x < 2 || x >= SIZE - 2) {
                    border.add(px[y * SIZE + x]);
                }
            }
        }
        double[] bg = median(border);
        String background = nearest(bg, BACKGROUND);
        boolean[] mask = new boolean[SIZE * SIZE];
        int area = 0;
        double sumX = 0;
        double sumY = 0;
        for (int i = 0; i < mask.length; i++) {
            mask[i] = distance(px[i], bg) > 80;
            if (mask[i]) {
                area++;
                sumX += i % SIZE;
                sumY += i / SIZE;
            }
        }
        if (area < 12) {
            return new Verdict(background, null, null, null, null);
        }
        List<double[]> interior = new ArrayList<>();
        List<double[]> all = new ArrayList<>();
        for (int y = 0; y < SIZE; y++) {
            for (int x = 0; x < SIZE; x++) {
                if (!mask[y * SIZE + x]) {
                    continue;
                }
                all.add(px[y * SIZE + x]);
                // Neighbours wrap around the edges, as np.roll does in the Python checker.
                if (mask[((y + 1) % SIZE) * SIZE + x] && mask[((y + SIZE - 1) % SIZE) * SIZE + x]
                        && mask[y * SIZE + (x + 1) % SIZE] && mask[y * SIZE + (x + SIZE - 1) % SIZE]) {
                    interior.add(px[y * SIZE + x]);
                }
            }
        }
        String colour = nearest(median(interior.size() >= 8 ? interior : all), OBJECT);
        double cx = sumX / area + 0.5;
        double cy = sumY / area + 0.5;
        String bestShape = null;
        double bestIou = -1;
        double bestRadius = 0;
        for (String shape : SHAPES) {
            double r0 = Math.sqrt(area / UNIT_AREA.get(shape));
            for (double scale : new double[] {0.9, 1.0, 1.1}) {
                for (int dx = -1; dx <= 1; dx++) {
                    for (int dy = -1; dy <= 1; dy++) {
                        double iou = iou(mask, coverage(shape, cx + dx, cy + dy, r0 * scale));
                        if (iou > bestIou) {
                            bestIou = iou;
                            bestShape = shape;
                            bestRadius = r0 * scale;
                        }
                    }
                }
            }
        }
        String position = null;
        double nearestCentre = Double.MAX_VALUE;
        for (Map.Entry<String, double[]> p : POSITIONS.entrySet()) {
            double d = Math.pow(p.getValue()[0] - cx, 2) + Math.pow(p.getValue()[1] - cy, 2);
            if (d < nearestCentre) {
                nearestCentre = d;
                position = p.getKey();
            }
        }
        return new Verdict(background, colour, bestShape, bestRadius > SIZE_SPLIT ? "large" : "small", position);
    }

    /** A scene as the training renderer draws it, without jitter: the ground truth the checker must get right. */
    static BufferedImage render(String colour, String background, String shape, String size, String position) {
        double[] centre = POSITIONS.get(position);
        double[] cover = coverage(shape, centre[0], centre[1], SIZES.get(size));
        int[] fg = OBJECT.get(colour);
        int[] bg = BACKGROUND.get(background);
        BufferedImage image = new BufferedImage(SIZE, SIZE, BufferedImage.TYPE_INT_RGB);
        for (int i = 0; i < cover.length; i++) {
            int[] rgb = new int[3];
            for (int c = 0; c < 3; c++) {
                rgb[c] = (int) Math.round(bg[c] * (1 - cover[i]) + fg[c] * cover[i]);
            }
            image.setRGB(i % SIZE, i / SIZE, (rgb[0] << 16) | (rgb[1] << 8) | rgb[2]);
        }
        return image;
    }

    /** Coverage in [0, 1] of each pixel by the shape: drawn 4× supersampled without antialiasing, box-filtered. */
    private static double[] coverage(String shape, double cx, double cy, double r) {
        int big = SIZE * SUPERSAMPLE;
        BufferedImage canvas = new BufferedImage(big, big, BufferedImage.TYPE_BYTE_GRAY);
        Graphics2D g = canvas.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_OFF);
        g.setColor(java.awt.Color.WHITE);
        g.fill(outline(shape, cx * SUPERSAMPLE, cy * SUPERSAMPLE, r * SUPERSAMPLE));
        g.dispose();
        byte[] raster = ((DataBufferByte) canvas.getRaster().getDataBuffer()).getData();
        double[] out = new double[SIZE * SIZE];
        for (int y = 0; y < big; y++) {
            for (int x = 0; x < big; x++) {
                if (raster[y * big + x] != 0) {
                    out[(y / SUPERSAMPLE) * SIZE + x / SUPERSAMPLE] += 1.0 / (SUPERSAMPLE * SUPERSAMPLE);
                }
            }
        }
        return out;
    }

    // The renderer's geometry: square half-side 0.86 r; triangle circumradius 1.2 r, apex up; star outer radius
    // 1.25 r, inner half of that, five points, one up.
    private static Shape outline(String shape, double cx, double cy, double r) {
        if (shape.equals("circle")) {
            return new Ellipse2D.Double(cx - r, cy - r, 2 * r, 2 * r);
        }
        Path2D.Double path = new Path2D.Double();
        double[][] points = switch (shape) {
            case "square" -> {
                double h = 0.86 * r;
                yield new double[][] {{cx - h, cy - h}, {cx + h, cy - h}, {cx + h, cy + h}, {cx - h, cy + h}};
            }
            case "triangle" -> {
                double big = 1.2 * r;
                double[][] p = new double[3][];
                for (int k = 0; k < 3; k++) {
                    double a = k * 2 * Math.PI / 3;
                    p[k] = new double[] {cx + big * Math.sin(a), cy - big * Math.cos(a)};
                }
                yield p;
            }
            case "star" -> {
                double outer = 1.25 * r;
                double[][] p = new double[10][];
                for (int k = 0; k < 10; k++) {
                    double a = k * Math.PI / 5;
                    double rr = k % 2 == 0 ? outer : outer / 2;
                    p[k] = new double[] {cx + rr * Math.sin(a), cy - rr * Math.cos(a)};
                }
                yield p;
            }
            default -> throw new IllegalArgumentException("unknown shape " + shape);
        };
        path.moveTo(points[0][0], points[0][1]);
        for (int i = 1; i < points.length; i++) {
            path.lineTo(points[i][0], points[i][1]);
        }
        path.closePath();
        return path;
    }

    private static double iou(boolean[] mask, double[] cover) {
        int both = 0;
        int either = 0;
        for (int i = 0; i < mask.length; i++) {
            boolean t = cover[i] > 0.5;
            both += t && mask[i] ? 1 : 0;
            either += t || mask[i] ? 1 : 0;
        }
        return both / (double) Math.max(1, either);
    }

    private static double[] median(List<double[]> pixels) {
        double[] out = new double[3];
        for (int c = 0; c < 3; c++) {
            int channel = c;
            double[] v = pixels.stream().mapToDouble(p -> p[channel]).sorted().toArray();
            out[c] = v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
        }
        return out;
    }

    private static double distance(double[] a, double[] b) {
        return Math.sqrt(Math.pow(a[0] - b[0], 2) + Math.pow(a[1] - b[1], 2) + Math.pow(a[2] - b[2], 2));
    }

    private static String nearest(double[] rgb, Map<String, int[]> palette) {
        return palette.entrySet().stream()
                .min((a, b) -> Double.compare(distance(rgb, Arrays.stream(a.getValue()).asDoubleStream().toArray()),
                        distance(rgb, Arrays.stream(b.getValue()).asDoubleStream().toArray())))
                .orElseThrow().getKey();
    }
}
