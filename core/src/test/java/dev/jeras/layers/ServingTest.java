package dev.jeras.layers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;

import org.junit.jupiter.api.Test;

import dev.jeras.Shape;
import dev.jeras.Tensor;
import dev.jeras.UInt8Tensor;
import dev.jeras.kernels.ScalarKernels;
import dev.jeras.kernels.SimdKernels;
import dev.jeras.kernels.contract.ConcurrentPredict;
import dev.jeras.losses.SparseCategoricalCrossentropy;
import dev.jeras.models.EvalResult;
import dev.jeras.models.FitOptions;
import dev.jeras.models.Sequential;
import dev.jeras.optimizers.SGD;

/** One model, many threads: inference is safe and exact, training runs alone. */
class ServingTest {

    @Test
    void concurrentPredictionsOnScalarKernelsEqualSingleThreadedOnes() throws Exception {
        ConcurrentPredict.check(ConcurrentPredict.trainedModel(new ScalarKernels()));
    }

    @Test
    void concurrentPredictionsOnSimdKernelsEqualSingleThreadedOnes() throws Exception {
        // Two kernel threads: callers contend for the worker pool, and those that find it busy run alone.
        ConcurrentPredict.check(ConcurrentPredict.trainedModel(new SimdKernels(2)));
    }

    @Test
    void concurrentEvaluationsAgree() throws Exception {
        Sequential model = ConcurrentPredict.trainedModel(new SimdKernels(2));
        SplittableRandom rng = new SplittableRandom(5);
        Tensor x = ConcurrentPredict.input(rng, 100);
        byte[] y = new byte[100];
        for (int i = 0; i < y.length; i++) {
            y[i] = (byte) rng.nextInt(10);
        }
        UInt8Tensor labels = UInt8Tensor.wrap(y, 100);
        EvalResult expected = model.evaluate(x, labels, 0);
        CompletableFuture<?>[] runs = new CompletableFuture<?>[6];
        for (int i = 0; i < runs.length; i++) {
            runs[i] = CompletableFuture.runAsync(() -> {
                for (int k = 0; k < 20; k++) {
                    assertThat(model.evaluate(x, labels, 0)).isEqualTo(expected);
                }
            });
        }
        CompletableFuture.allOf(runs).get(2, TimeUnit.MINUTES);
    }

    @Test
    void fitWhileInferenceRunsIsRefused() throws Exception {
        Gate gate = new Gate(false);
        Sequential model = gatedModel(gate);
        CompletableFuture<Tensor> prediction = CompletableFuture.supplyAsync(() -> model.predict(Tensor.zeros(2, 4)));
        assertThat(gate.entered.await(1, TimeUnit.MINUTES)).isTrue();
        try {
            assertThatThrownBy(() -> model.fit(Tensor.zeros(2, 4), UInt8Tensor.wrap(new byte[2], 2), FitOptions.epochs(1).verbose(0)))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("is serving 1 inference call")
                    .hasMessageContaining("fit")
                    .hasMessageContaining("Wait for the other call to return");
            assertThatThrownBy(() -> model.trainOnBatch(Tensor.zeros(2, 4), new int[2]))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("trainOnBatch");
            assertThatThrownBy(() -> model.setWeights(model.getWeights()))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("setWeights");
            // Inference alongside inference is fine.
            assertThat(model.layers().get(0).apply(Tensor.zeros(1, 4)).shape()).isEqualTo(Shape.of(1, 3));
        } finally {
            gate.release.countDown();
        }
        assertThat(prediction.get(1, TimeUnit.MINUTES).shape()).isEqualTo(Shape.of(2, 3));
        // Once the prediction returned, training may start.
        model.trainOnBatch(Tensor.zeros(2, 4), new int[2]);
    }

    @Test
    void inferenceAndASecondFitWhileTrainingAreRefused() throws Exception {
        Gate gate = new Gate(true);
        Sequential model = gatedModel(gate);
        CompletableFuture<Float> step = CompletableFuture.supplyAsync(() -> model.trainOnBatch(Tensor.zeros(2, 4), new int[2]));
        assertThat(gate.entered.await(1, TimeUnit.MINUTES)).isTrue();
        try {
            assertThatThrownBy(() -> model.predict(Tensor.zeros(2, 4)))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("is training");
            assertThatThrownBy(() -> model.fit(Tensor.zeros(2, 4), UInt8Tensor.wrap(new byte[2], 2), FitOptions.epochs(1).verbose(0)))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("is training");
            // A model wrapping this one shares its layers, so it is held too.
            Sequential wrapper = new Sequential(model, new Softmax());
            assertThatThrownBy(() -> wrapper.predict(Tensor.zeros(2, 4)))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("is training");
        } finally {
            gate.release.countDown();
        }
        step.get(1, TimeUnit.MINUTES);
        assertThat(model.predict(Tensor.zeros(2, 4)).shape()).isEqualTo(Shape.of(2, 3));
    }

    @Test
    void theTrainingThreadMayPredictBetweenItsSteps() {
        Sequential model = ConcurrentPredict.trainedModel(new ScalarKernels());
        model.beginTraining("a test");
        try {
            assertThat(model.predict(Tensor.zeros(1, 28, 28)).shape()).isEqualTo(Shape.of(1, 10));
        } finally {
            model.endTraining();
        }
        model.trainOnBatch(Tensor.zeros(1, 28, 28), new int[1]);
    }

    private static Sequential gatedModel(Gate gate) {
        Sequential model = new Sequential(new Dense(3).named("dense_gated"), gate).seed(1).useKernels(new ScalarKernels());
        model.compile(new SGD(), new SparseCategoricalCrossentropy(true));
        model.predict(Tensor.zeros(1, 4)); // builds it
        gate.armed = true;
        return model;
    }

    /** An identity layer that waits in its forward pass (in training or in inference) until released. */
    private static final class Gate extends Layer {
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        private final boolean inTraining;
        volatile boolean armed;

        Gate(boolean inTraining) {
            super("gate", null);
            this.inTraining = inTraining;
        }

        @Override
        protected Shape onBuild(Shape inputShape, RandomGenerator rng) {
            return inputShape;
        }

        @Override
        public Tensor forward(Tensor x, boolean training) {
            if (armed && training == inTraining && entered.getCount() > 0) {
                entered.countDown();
                try {
                    release.await(1, TimeUnit.MINUTES);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return x;
        }

        @Override
        public Tensor backward(Tensor dy, boolean needInputGradient) {
            return needInputGradient ? dy : null;
        }
    }
}
