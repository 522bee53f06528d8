package dev.jeras.layers;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.SplittableRandom;
import java.util.function.DoubleSupplier;
import java.util.stream.Stream;

import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import dev.jeras.IntTensor;
import dev.jeras.Shape;
import dev.jeras.Targets;
import dev.jeras.Tensor;
import dev.jeras.activations.Activation;
import dev.jeras.kernels.Kernels;
import dev.jeras.kernels.ScalarKernels;
import dev.jeras.kernels.SimdKernels;
import dev.jeras.losses.Loss;
import dev.jeras.losses.SparseCategoricalCrossentropy;
import dev.jeras.models.Sequential;

/**
 * Finite-difference checks of every backward pass. Each check reduces a layer's output to a scalar
 * {@code L = sum(y * r)} with a fixed random {@code r} (so {@code dL/dy = r}), evaluates L in
 * double, and compares central differences {@code (L(w + h) - L(w - h)) / 2h} with the analytic
 * gradient for every input and parameter element.
 */
public class GradientCheckTest {

    private static final float H = 1e-3f;
    private static final double TOLERANCE = 2e-3;

    static Stream<Named<Kernels>> kernels() {
        return Stream.of(Named.of("scalar", new ScalarKernels()), Named.of("simd", new SimdKernels()));
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void denseLinear(Kernels kernels) {
        checkLayer(new Dense(5), Shape.of(7), 4, kernels, true);
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void denseRelu(Kernels kernels) {
        checkLayer(new Dense(6, Activation.RELU), Shape.of(9), 3, kernels, true);
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void denseWithoutBias(Kernels kernels) {
        checkLayer(new Dense(4, Activation.RELU, false), Shape.of(6), 3, kernels, true);
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void aUsersLayerMadeWithAddWeight(Kernels kernels) {
        checkLayer(new CustomLayerTest.Scale(), Shape.of(5), 3, kernels, true);
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void dropoutWithAFixedMask(Kernels kernels) {
        Dropout dropout = new Dropout(0.5);
        dropout.build(Shape.of(8), kernels, new SplittableRandom(1));
        float[] mask = new float[3 * 8];
        for (int i = 0; i < mask.length; i++) {
            mask[i] = i % 3 == 0 ? 0f : 2f;
        }
        dropout.fixMask(mask);
        checkLayer(dropout, Shape.of(8), 3, kernels, true);
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void softmaxLayer(Kernels kernels) {
        checkLayer(new Softmax(), Shape.of(6), 4, kernels, true);
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void wholeModelThroughTheLossFromLogits(Kernels kernels) {
        Dropout dropout = new Dropout(0.25);
        Sequential model = new Sequential(new Flatten(2, 3), new Dense(5, Activation.RELU), dropout, new Dense(4))
                .useKernels(kernels).seed(3);
        model.build(Shape.of(2, 3), kernels, new SplittableRandom(3));
        float[] mask = new float[3 * 5];
        for (int i = 0; i < mask.length; i++) {
            mask[i] = i % 4 == 1 ? 0f : 1f / 0.75f;
        }
        dropout.fixMask(mask);
        Tensor x = randomTensor(new SplittableRandom(5), 3, 2, 3);
        int[] labels = {2, 0, 3};
        Loss loss = new SparseCategoricalCrossentropy(true);

        Tensor logits = model.forward(x, true);
        Tensor grad = Tensor.zeros(3, 4);
        loss.sum(kernels, logits, Targets.of(IntTensor.of(labels, labels.length)), null, grad, 1f / 3);
        model.backward(grad, false);
        DoubleSupplier objective = () -> loss.sum(kernels, model.forward(x, true), Targets.of(IntTensor.of(labels, labels.length)), null, null, 0f) / 3;
        for (Parameter p : model.trainableWeights()) {
            compare(p.value().array(), p.gradient().toArray(), objective, p.name());
        }
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void crossEntropyFromLogitsAndFromProbabilities(Kernels kernels) {
        SplittableRandom rng = new SplittableRandom(9);
        int[] labels = {1, 0, 4, 2};
        for (boolean fromLogits : new boolean[] {true, false}) {
            Loss loss = new SparseCategoricalCrossentropy(fromLogits);
            Tensor pred = randomTensor(rng, 4, 5);
            if (!fromLogits) {
                for (int i = 0; i < pred.size(); i++) {
                    pred.array()[i] = 0.2f + Math.abs(pred.array()[i]); // positive scores, not normalised
                }
            }
            Tensor grad = Tensor.zeros(4, 5);
            loss.sum(kernels, pred, Targets.of(IntTensor.of(labels, labels.length)), null, grad, 0.25f);
            compare(pred.array(), grad.toArray(), () -> loss.sum(kernels, pred, Targets.of(IntTensor.of(labels, labels.length)), null, null, 0f) / 4,
                    "loss fromLogits=" + fromLogits);
        }
    }

    /** Every activation, in Dense and as an Activation layer (softmax's Jacobian included). */
    @ParameterizedTest
    @MethodSource("kernels")
    void everyActivation(Kernels kernels) {
        for (Activation a : Activation.values()) {
            checkLayer(new Dense(5, a), Shape.of(4), 3, kernels, true);
            checkLayer(new ActivationLayer(a), Shape.of(6), 3, kernels, true);
        }
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void batchNormalizationInTraining(Kernels kernels) {
        // Backward follows a training forward (batch statistics); inference writes nothing a backward could use.
        checkLayer(new BatchNormalization(), Shape.of(5), 6, kernels, true);
        checkLayer(new BatchNormalization(0.9, 0.5), Shape.of(3), 2, kernels, true);
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void frozenBatchNormalizationInTraining(Kernels kernels) {
        // Frozen, a training call normalizes with the moving statistics: its input gradient is that of a constant affine map.
        BatchNormalization bn = new BatchNormalization(0.9, 0.01);
        bn.build(Shape.of(4), kernels, new SplittableRandom(1));
        List<Tensor> weights = bn.getWeights(); // gamma, beta, moving mean, moving variance: away from 1 and 0
        float[][] values = {{1.5f, -0.5f, 2f, 0.25f}, {0.1f, 0.2f, -0.3f, 0.4f}, {0.3f, -0.2f, 0.1f, 0f}, {0.5f, 2f, 0.04f, 1f}};
        for (int i = 0; i < 4; i++) {
            System.arraycopy(values[i], 0, weights.get(i).array(), 0, 4);
        }
        bn.setWeights(weights);
        bn.setTrainable(false);
        checkLayer(bn, Shape.of(4), 3, kernels, true);
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void rescaling(Kernels kernels) {
        checkLayer(new Rescaling(1 / 255.0, -0.5), Shape.of(2, 3), 2, kernels, true);
    }

    /** Each loss's gradient with respect to the predictions, with and without sample weights. */
    @ParameterizedTest
    @MethodSource("kernels")
    void everyLoss(Kernels kernels) {
        SplittableRandom rng = new SplittableRandom(21);
        int rows = 4;
        int cols = 3;
        float[] oneHot = new float[rows * cols];
        float[] binary = new float[rows * cols];
        float[] values = randomTensor(rng, rows, cols).toArray();
        for (int r = 0; r < rows; r++) {
            oneHot[r * cols + (r % cols)] = 1;
            for (int j = 0; j < cols; j++) {
                binary[r * cols + j] = (r + j) % 2;
            }
        }
        float[] weights = {0.5f, 2f, 0f, 1.5f};
        record Case(dev.jeras.losses.Loss loss, Targets targets, boolean probabilities) {
        }
        List<Case> cases = List.of(
                new Case(new dev.jeras.losses.CategoricalCrossentropy(true, 0.1), Targets.of(Tensor.of(oneHot, rows, cols)), false),
                new Case(new dev.jeras.losses.CategoricalCrossentropy(false), Targets.of(Tensor.of(oneHot, rows, cols)), true),
                new Case(new dev.jeras.losses.BinaryCrossentropy(true, 0.2), Targets.of(Tensor.of(binary, rows, cols)), false),
                new Case(new dev.jeras.losses.BinaryCrossentropy(false), Targets.of(Tensor.of(binary, rows, cols)), true),
                new Case(new dev.jeras.losses.MeanSquaredError(), Targets.of(Tensor.of(values, rows, cols)), false),
                new Case(new dev.jeras.losses.MeanAbsoluteError(), Targets.of(Tensor.of(values, rows, cols)), false),
                new Case(new dev.jeras.losses.Huber(0.5), Targets.of(Tensor.of(values, rows, cols)), false));
        for (Case c : cases) {
            for (float[] w : new float[][] {null, weights}) {
                Tensor pred = randomTensor(rng, rows, cols);
                if (c.probabilities()) {
                    for (int i = 0; i < pred.size(); i++) {
                        pred.array()[i] = 0.1f + 0.8f * Math.abs(pred.array()[i]) / 3; // inside (0, 1), away from the clip
                    }
                }
                c.loss().check(c.targets(), Shape.of(cols));
                Tensor grad = Tensor.zeros(rows, cols);
                c.loss().sum(kernels, pred, c.targets(), w, grad, 1f / rows);
                compare(pred.array(), grad.toArray(), () -> c.loss().sum(kernels, pred, c.targets(), w, null, 0f) / rows,
                        c.loss().name() + (w == null ? "" : " weighted"));
            }
        }
    }

    /** Sparse cross-entropy with sample weights: the weighted path and the fused kernel path agree on the gradient. */
    @ParameterizedTest
    @MethodSource("kernels")
    void weightedSparseCrossEntropy(Kernels kernels) {
        Loss loss = new SparseCategoricalCrossentropy(true);
        Targets labels = Targets.of(IntTensor.of(new int[] {2, 0, 1}, 3));
        float[] w = {1f, 0.25f, 3f};
        Tensor pred = randomTensor(new SplittableRandom(8), 3, 4);
        Tensor grad = Tensor.zeros(3, 4);
        loss.sum(kernels, pred, labels, w, grad, 1f / 3);
        compare(pred.array(), grad.toArray(), () -> loss.sum(kernels, pred, labels, w, null, 0f) / 3, "weighted scce");
    }

    /** Checks dL/dx and dL/dparams of one layer with {@code L = sum(forward(x) * r)}. */
    private static void checkLayer(Layer layer, Shape sample, int rows, Kernels kernels, boolean training) {
        SplittableRandom rng = new SplittableRandom(42);
        if (!layer.isBuilt()) {
            layer.build(sample, kernels, rng);
        }
        Tensor x = randomTensor(rng, sample.withBatch(rows).dims());
        Tensor r = randomTensor(rng, layer.outputShape().withBatch(rows).dims());
        DoubleSupplier objective = () -> dot(layer.forward(x, training), r);

        layer.forward(x, training);
        Tensor dy = Tensor.of(r.toArray(), r.shape().dims()); // backward may overwrite dy
        Tensor dx = layer.backward(dy, true);
        compare(x.array(), dx.toArray(), objective, layer.name() + " input");
        for (Parameter p : layer.trainableWeights()) {
            compare(p.value().array(), p.gradient().toArray(), objective, p.name());
        }
    }

    /** Central differences for every element of {@code values} against {@code analytic}. */
    private static void compare(float[] values, float[] analytic, DoubleSupplier objective, String what) {
        for (int i = 0; i < analytic.length; i++) {
            float saved = values[i];
            values[i] = saved + H;
            double plus = objective.getAsDouble();
            values[i] = saved - H;
            double minus = objective.getAsDouble();
            values[i] = saved;
            double numeric = (plus - minus) / (2.0 * H);
            assertThat((double) analytic[i]).as("%s gradient [%d]", what, i)
                    .isCloseTo(numeric, org.assertj.core.data.Offset.offset(TOLERANCE * Math.max(1, Math.abs(numeric))));
        }
    }

    private static double dot(Tensor y, Tensor r) {
        double sum = 0;
        for (int i = 0; i < y.size(); i++) {
            sum += (double) y.array()[y.offset() + i] * r.array()[r.offset() + i];
        }
        return sum;
    }

    public static Tensor randomTensor(SplittableRandom rng, int... dims) {
        Tensor t = Tensor.zeros(dims);
        for (int i = 0; i < t.size(); i++) {
            t.array()[i] = (float) rng.nextDouble(-1, 1);
        }
        return t;
    }
}
