package dev.jeras.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import javax.imageio.ImageIO;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.jeras.UInt8Tensor;
import dev.jeras.activations.Activation;
import dev.jeras.datasets.Mnist;
import dev.jeras.layers.Dense;
import dev.jeras.layers.Dropout;
import dev.jeras.layers.Flatten;
import dev.jeras.losses.SparseCategoricalCrossentropy;
import dev.jeras.models.FitOptions;
import dev.jeras.models.Sequential;
import dev.jeras.optimizers.Adam;
import dev.jeras.testing.TestMnist;

/** predict.jar's program on images drawn from MNIST's test set, and on arrays and IDX files. */
class PredictTest {

    private static final int IMAGES = 20;

    @TempDir
    static Path dir;
    static Path modelFile;
    static Sequential trained;
    static UInt8Tensor images;
    static int[] labels;

    /** One epoch of the quickstart (about 96%), saved as a .keras file as quickstart --save does. */
    @BeforeAll
    static void trainAndSave() throws Exception {
        Mnist.Data mnist = TestMnist.load();
        trained = new Sequential(new Flatten(28, 28), new Dense(128, Activation.RELU), new Dropout(0.2), new Dense(10)).seed(3);
        trained.compile(new Adam(), new SparseCategoricalCrossentropy(true), "accuracy");
        trained.fit(mnist.xTrain().div(255f), mnist.yTrain(), FitOptions.epochs(1).verbose(0));
        modelFile = dir.resolve("model.keras");
        trained.save(modelFile);
        images = mnist.xTest().rows(0, IMAGES);
        labels = mnist.yTest().rows(0, IMAGES).toIntArray();
    }

    @Test
    void aPngOfAnMnistTestImageGetsThatImagesClass() throws Exception {
        Sequential model = Sequential.load(modelFile, false);
        int right = 0;
        for (int i = 0; i < IMAGES; i++) {
            Path png = dir.resolve("digit" + i + ".png");
            ImageIO.write(image(i), "png", png.toFile());
            Predict.Prediction p = Predict.predict(model, png).get(0);
            int direct = argmax(trained.predict(images.rows(i, i + 1).div(255f)).toArray());
            assertThat(p.classes()[0]).as("image %d: the PNG is classified as the array is", i).isEqualTo(direct);
            right += p.classes()[0] == labels[i] ? 1 : 0;
        }
        assertThat(Predict.predict(model, dir.resolve("digit0.png")).get(0).classes()[0]).as("MNIST test image 0, a 7").isEqualTo(7);
        assertThat(right).as("of " + IMAGES + " test images").isGreaterThanOrEqualTo(IMAGES - 2);
    }

    /** A photo-like image: a dark digit on light paper, four times larger and off centre, is framed as MNIST's are. */
    @Test
    void aLargeDarkOnLightImageIsFramedAsMnist() throws Exception {
        Sequential model = Sequential.load(modelFile, false);
        int right = 0;
        for (int i = 0; i < IMAGES; i++) {
            BufferedImage small = image(i);
            BufferedImage large = new BufferedImage(160, 130, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = large.createGraphics();
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, 160, 130);
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            BufferedImage inverted = new BufferedImage(28, 28, BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < 28; y++) {
                for (int x = 0; x < 28; x++) {
                    int v = 255 - small.getRaster().getSample(x, y, 0);
                    inverted.setRGB(x, y, v << 16 | v << 8 | v);
                }
            }
            g.drawImage(inverted, 30, 10, 112, 112, null);
            g.dispose();
            Path jpg = dir.resolve("photo" + i + ".jpg");
            ImageIO.write(large, "jpg", jpg.toFile());
            right += Predict.predict(model, jpg).get(0).classes()[0] == labels[i] ? 1 : 0;
        }
        assertThat(right).as("large dark-on-light JPEGs classified right, of " + IMAGES).isGreaterThanOrEqualTo(IMAGES - 3);
    }

    @Test
    void npyArraysAndIdxFilesGiveEverySamplesClass() throws Exception {
        Sequential model = Sequential.load(modelFile, false);
        byte[] pixels = new byte[5 * 784];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (byte) images.get(i / 784, i % 784 / 28, i % 28);
        }
        Path npy = dir.resolve("five.npy");
        Files.write(npy, npy("|u1", "(5, 784)", pixels));
        Path idx = dir.resolve("five-idx3-ubyte.gz");
        ByteBuffer header = ByteBuffer.allocate(16).putInt(0x0803).putInt(5).putInt(28).putInt(28);
        try (GZIPOutputStream out = new GZIPOutputStream(Files.newOutputStream(idx))) {
            out.write(header.array());
            out.write(pixels);
        }
        float[] floats = new float[pixels.length];
        ByteBuffer f = ByteBuffer.allocate(4 * floats.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < floats.length; i++) {
            f.putFloat((pixels[i] & 0xFF) / 255f);
        }
        Path npyFloat = dir.resolve("five-float.npy");
        Files.write(npyFloat, npy("<f4", "(5, 28, 28)", f.array()));
        for (Path input : List.of(npy, idx, npyFloat)) {
            List<Predict.Prediction> predictions = Predict.predict(model, input);
            assertThat(predictions).hasSize(5);
            for (int i = 0; i < 5; i++) {
                int direct = argmax(trained.predict(images.rows(i, i + 1).div(255f)).toArray());
                assertThat(predictions.get(i).classes()[0]).as(input + " sample " + i).isEqualTo(direct);
                assertThat(predictions.get(i).input()).isEqualTo(input + "[" + i + "]");
                float[] p = predictions.get(i).probabilities();
                assertThat(p).hasSize(3);
                assertThat(p[0]).isGreaterThanOrEqualTo(p[1]);
                assertThat(p[1]).isGreaterThanOrEqualTo(p[2]);
            }
        }
        assertThatThrownBy(() -> Predict.predict(model, dir.resolve("missing.png"))).hasMessageContaining("there is no input file");
        Path text = Files.writeString(dir.resolve("notes.txt"), "not an image");
        assertThatThrownBy(() -> Predict.predict(model, text)).hasMessageContaining("is not a PNG or JPEG image");
        Path odd = dir.resolve("odd.npy");
        Files.write(odd, npy("|u1", "(3, 5)", new byte[15]));
        assertThatThrownBy(() -> Predict.predict(model, odd)).hasMessageContaining("not a batch of samples of shape (28, 28)");
    }

    @Test
    void printsLinesOrJson() throws Exception {
        Path png = dir.resolve("zero.png");
        ImageIO.write(image(0), "png", png.toFile());
        List<Predict.Prediction> predictions = Predict.predict(Sequential.load(modelFile, false), png);
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        Predict.print(predictions, false, new PrintStream(text, true, StandardCharsets.UTF_8));
        assertThat(text.toString(StandardCharsets.UTF_8)).startsWith(png + ": class 7  (7: ").matches("(?s).*\\(7: 0\\.\\d{4}, \\d: 0\\.\\d{4}, \\d: 0\\.\\d{4}\\)\\n");
        ByteArrayOutputStream json = new ByteArrayOutputStream();
        Predict.print(predictions, true, new PrintStream(json, true, StandardCharsets.UTF_8));
        assertThat(json.toString(StandardCharsets.UTF_8)).startsWith("[\n  {\"input\": \"" + png + "\", \"class\": 7, \"top\": [{\"class\": 7, \"probability\": 0.");
    }

    /** MNIST test image i as a 28 x 28 gray PNG, white on black as MNIST stores it. */
    private static BufferedImage image(int i) {
        BufferedImage image = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < 28; y++) {
            for (int x = 0; x < 28; x++) {
                image.getRaster().setSample(x, y, 0, images.get(i, y, x));
            }
        }
        return image;
    }

    private static byte[] npy(String descr, String shape, byte[] data) {
        String header = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
        StringBuilder h = new StringBuilder(header);
        while ((10 + h.length() + 1) % 64 != 0) {
            h.append(' ');
        }
        h.append('\n');
        ByteBuffer b = ByteBuffer.allocate(10 + h.length() + data.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 0).putShort((short) h.length());
        b.put(h.toString().getBytes(StandardCharsets.US_ASCII)).put(data);
        return b.array();
    }

    private static int argmax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }
}
