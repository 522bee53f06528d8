package dev.jeras.examples;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

import dev.jeras.Shape;
import dev.jeras.Tensor;
import dev.jeras.datasets.DatasetException;
import dev.jeras.datasets.Idx;
import dev.jeras.datasets.NumPy;
import dev.jeras.layers.Layer;
import dev.jeras.layers.Softmax;
import dev.jeras.models.Sequential;

/**
 * Classifies images with a saved model:
 * {@code java --add-modules jdk.incubator.vector -jar examples/target/predict.jar model.keras INPUT...}.
 * Each input is a PNG or JPEG image, a NumPy {@code .npy} array (N x 28 x 28 or N x 784, uint8 or
 * float32) or an IDX file (raw or gzip); each sample's class and top-3 probabilities are printed, or
 * JSON with {@code --json}.
 *
 * <p>An image becomes a 28 x 28 digit the way MNIST's were made (LeCun et al.): gray levels, white
 * on black (an image that is mostly light, a dark digit on paper, is inverted), the digit cropped to
 * its bounding box and scaled, keeping its aspect ratio, to fit 20 x 20, then placed in the 28 x 28
 * frame with its centre of mass at the centre; values are scaled into [0, 1]. An image that is
 * already 28 x 28 is only converted to gray and, if light, inverted: it is taken to be framed already.
 * uint8 arrays are divided by 255; float32 arrays are used as they are.
 */
public final class Predict {

    static final String USAGE = """
            usage: java --add-modules jdk.incubator.vector -jar examples/target/predict.jar MODEL.keras INPUT... [--json]
              MODEL.keras  a model saved by jeras (quickstart.jar --save) or by Keras 3
              INPUT        a PNG or JPEG image, a .npy array (N x 28 x 28 or N x 784, uint8 or float32), or an IDX file
              --json       print JSON instead of one line per sample
            """;

    private Predict() {
    }

    /** One sample's result: where it came from, and the classes by probability, highest first. */
    record Prediction(String input, int[] classes, float[] probabilities) {
    }

    public static void main(String[] args) {
        List<String> paths = new ArrayList<>();
        boolean json = false;
        for (String arg : args) {
            if (arg.equals("--json")) {
                json = true;
            } else if (arg.equals("--help") || arg.equals("-h")) {
                System.out.print(USAGE);
                return;
            } else if (arg.startsWith("--")) {
                fail("option " + arg + " is not known", true);
            } else {
                paths.add(arg);
            }
        }
        if (paths.size() < 2) {
            fail("give a model file and at least one input", true);
        }
        try {
            Sequential model = Sequential.load(Path.of(paths.get(0)), false);
            List<Prediction> predictions = new ArrayList<>();
            for (String input : paths.subList(1, paths.size())) {
                predictions.addAll(predict(model, Path.of(input)));
            }
            print(predictions, json, System.out);
        } catch (IOException | DatasetException | IllegalArgumentException | IllegalStateException e) {
            fail(e.getMessage(), false);
        }
    }

    private static void fail(String message, boolean usage) {
        System.err.println("predict: " + message);
        if (usage) {
            System.err.print(USAGE);
        }
        System.exit(usage ? 2 : 1);
    }

    /** The predictions for every sample in {@code input}. */
    static List<Prediction> predict(Sequential model, Path input) throws IOException {
        Tensor x = read(input, model.inputShape());
        Layer last = model.layers().get(model.layers().size() - 1);
        Tensor probabilities = last instanceof Softmax ? model.predict(x) : new Softmax().apply(model.predict(x));
        int rows = probabilities.rows();
        int classes = probabilities.size() / rows;
        float[] p = probabilities.toArray();
        List<Prediction> out = new ArrayList<>();
        for (int r = 0; r < rows; r++) {
            int k = Math.min(3, classes);
            int[] top = new int[k];
            float[] prob = new float[k];
            boolean[] taken = new boolean[classes];
            for (int t = 0; t < k; t++) {
                int best = -1;
                for (int c = 0; c < classes; c++) {
                    if (!taken[c] && (best < 0 || p[r * classes + c] > p[r * classes + best])) {
                        best = c;
                    }
                }
                taken[best] = true;
                top[t] = best;
                prob[t] = p[r * classes + best];
            }
            out.add(new Prediction(rows == 1 && !isArray(input) ? input.toString() : input + "[" + r + "]", top, prob));
        }
        return out;
    }

    private static boolean isArray(Path input) {
        String name = input.getFileName().toString();
        return name.endsWith(".npy") || isIdx(input);
    }

    private static boolean isIdx(Path input) {
        try (var in = Files.newInputStream(input)) {
            byte[] head = in.readNBytes(4);
            boolean gzip = head.length >= 2 && (head[0] & 0xFF) == 0x1F && (head[1] & 0xFF) == 0x8B;
            return gzip || head.length == 4 && head[0] == 0 && head[1] == 0 && head[2] == 0x08;
        } catch (IOException e) {
            return false;
        }
    }

    /** The samples of one input, shaped as the model takes them. */
    static Tensor read(Path input, Shape sample) throws IOException {
        if (!Files.isRegularFile(input)) {
            throw new IOException("there is no input file " + input);
        }
        Tensor x;
        if (input.getFileName().toString().endsWith(".npy")) {
            x = switch (NumPy.dtype(input)) {
                case "uint8" -> NumPy.loadUInt8(input).div(255f);
                case "float32" -> NumPy.loadFloat32(input);
                default -> throw new IOException(input + " holds " + NumPy.dtype(input) + " values; use uint8 (0-255) or float32 (0-1)");
            };
        } else if (isIdx(input)) {
            x = Idx.read(input).div(255f);
        } else {
            BufferedImage image = ImageIO.read(input.toFile());
            if (image == null) {
                throw new IOException(input + " is not a PNG or JPEG image, a .npy array or an IDX file");
            }
            x = Tensor.of(mnistLike(image), 1, 28, 28);
        }
        int size = sample.size();
        if (x.size() % size != 0 || x.size() == 0) {
            throw new IOException(input + " holds an array of shape " + x.shape() + ", which is not a batch of samples of shape "
                    + sample + " (N x 28 x 28 or N x 784 for MNIST)");
        }
        int[] dims = sample.withBatch(x.size() / size).dims();
        return x.reshape(dims);
    }

    /** A 28 x 28 MNIST-style digit in [0, 1] from any image (see the class comment). */
    static float[] mnistLike(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        float[] gray = new float[w * h];
        double sum = 0;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int argb = image.getRGB(x, y);
                double alpha = (argb >>> 24) / 255.0;
                double luminance = 0.299 * (argb >> 16 & 0xFF) + 0.587 * (argb >> 8 & 0xFF) + 0.114 * (argb & 0xFF);
                // Transparent parts count as paper: blended over white.
                gray[y * w + x] = (float) (luminance * alpha + 255 * (1 - alpha));
                sum += gray[y * w + x];
            }
        }
        if (sum / gray.length > 127.5) { // mostly light: a dark digit on paper
            for (int i = 0; i < gray.length; i++) {
                gray[i] = 255 - gray[i];
            }
        }
        if (w == 28 && h == 28) {
            for (int i = 0; i < gray.length; i++) {
                gray[i] /= 255f;
            }
            return gray;
        }
        return frame(gray, w, h);
    }

    /** Crops the digit, fits it in 20 x 20 and centres its mass in 28 x 28. */
    private static float[] frame(float[] gray, int w, int h) {
        float max = 0;
        for (float g : gray) {
            max = Math.max(max, g);
        }
        float threshold = max * 0.2f;
        int x0 = w;
        int y0 = h;
        int x1 = -1;
        int y1 = -1;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                if (gray[y * w + x] > threshold) {
                    x0 = Math.min(x0, x);
                    y0 = Math.min(y0, y);
                    x1 = Math.max(x1, x);
                    y1 = Math.max(y1, y);
                }
            }
        }
        float[] out = new float[28 * 28];
        if (x1 < 0) {
            return out; // a blank image
        }
        int cw = x1 - x0 + 1;
        int ch = y1 - y0 + 1;
        double scale = 20.0 / Math.max(cw, ch);
        int sw = Math.max(1, (int) Math.round(cw * scale));
        int sh = Math.max(1, (int) Math.round(ch * scale));
        BufferedImage crop = new BufferedImage(cw, ch, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < ch; y++) {
            for (int x = 0; x < cw; x++) {
                crop.getRaster().setSample(x, y, 0, Math.round(gray[(y0 + y) * w + x0 + x]));
            }
        }
        BufferedImage scaled = new BufferedImage(sw, sh, BufferedImage.TYPE_BYTE_GRAY);
        Graphics2D g = scaled.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
        // Shrinking a lot in one bilinear step drops strokes; area averaging keeps them.
        g.drawImage(crop.getScaledInstance(sw, sh, java.awt.Image.SCALE_AREA_AVERAGING), 0, 0, null);
        g.dispose();
        double mass = 0;
        double cx = 0;
        double cy = 0;
        for (int y = 0; y < sh; y++) {
            for (int x = 0; x < sw; x++) {
                double v = scaled.getRaster().getSample(x, y, 0);
                mass += v;
                cx += v * x;
                cy += v * y;
            }
        }
        int left = (int) Math.round(14 - (mass > 0 ? cx / mass : sw / 2.0) - 0.5);
        int top = (int) Math.round(14 - (mass > 0 ? cy / mass : sh / 2.0) - 0.5);
        left = Math.max(0, Math.min(28 - sw, left));
        top = Math.max(0, Math.min(28 - sh, top));
        for (int y = 0; y < sh; y++) {
            for (int x = 0; x < sw; x++) {
                out[(top + y) * 28 + left + x] = scaled.getRaster().getSample(x, y, 0) / 255f;
            }
        }
        return out;
    }

    static void print(List<Prediction> predictions, boolean json, PrintStream out) {
        if (json) {
            StringBuilder s = new StringBuilder("[");
            for (int i = 0; i < predictions.size(); i++) {
                Prediction p = predictions.get(i);
                s.append(i == 0 ? "\n" : ",\n").append("  {\"input\": ").append(quote(p.input())).append(", \"class\": ")
                        .append(p.classes()[0]).append(", \"top\": [");
                for (int t = 0; t < p.classes().length; t++) {
                    s.append(t == 0 ? "" : ", ").append("{\"class\": ").append(p.classes()[t]).append(", \"probability\": ")
                            .append(String.format(Locale.ROOT, "%.6f", p.probabilities()[t])).append('}');
                }
                s.append("]}");
            }
            out.println(s.append("\n]"));
            return;
        }
        for (Prediction p : predictions) {
            StringBuilder s = new StringBuilder(p.input()).append(": class ").append(p.classes()[0]).append("  (");
            for (int t = 0; t < p.classes().length; t++) {
                s.append(t == 0 ? "" : ", ").append(p.classes()[t]).append(": ")
                        .append(String.format(Locale.ROOT, "%.4f", p.probabilities()[t]));
            }
            out.println(s.append(')'));
        }
    }

    private static String quote(String s) {
        StringBuilder q = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                q.append('\\').append(c);
            } else if (c < 0x20) {
                q.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
            } else {
                q.append(c);
            }
        }
        return q.append('"').toString();
    }
}
