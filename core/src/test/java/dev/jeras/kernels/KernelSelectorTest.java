package dev.jeras.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.jeras.kernels.contract.ChildJvm;

class KernelSelectorTest {

    /** A provider that loads or refuses as told, standing in for OpenBLAS: SIMD kernels under its name. */
    record FakeProvider(String name, String refusal) implements KernelsProvider {
        @Override
        public Kernels load(boolean forced) throws KernelsUnavailableException {
            if (refusal != null) {
                throw new KernelsUnavailableException(refusal);
            }
            return new SimdKernels() {
                @Override
                public String name() {
                    return FakeProvider.this.name;
                }
            };
        }
    }

    @Test
    void automaticChoosesSimdWhenTheVectorModuleIsLoaded() {
        KernelSelector.Selection s = KernelSelector.select(null, List.of());
        assertThat(s.kernels()).isInstanceOf(SimdKernels.class);
        assertThat(s.kernels().name()).matches("simd\\(\\d+-bit, \\d+ lanes(, fma)?, \\d+ threads?\\)");
        assertThat(s.toString()).startsWith("simd(").contains("Vector API available");
    }

    @Test
    void aProviderThatLoadsComesFirst() {
        KernelSelector.Selection s = KernelSelector.select("", List.of(new FakeProvider("openblas", null)));
        assertThat(s.kernels().name()).isEqualTo("openblas");
        assertThat(s.reason()).contains("provider");
    }

    @Test
    void aProviderThatRefusesFallsBackToSimdWithItsReason() {
        KernelSelector.Selection s = KernelSelector.select(null,
                List.of(new FakeProvider("openblas", "libopenblas.so.0 not found; install libopenblas0")));
        assertThat(s.kernels().name()).startsWith("simd(");
        assertThat(s.reason()).contains("openblas unavailable: libopenblas.so.0 not found; install libopenblas0");
    }

    @Test
    void forcedChoicesAreHonoured() {
        assertThat(KernelSelector.select("scalar", List.of()).kernels()).isInstanceOf(ScalarKernels.class);
        assertThat(KernelSelector.select(" SIMD ", List.of()).kernels()).isInstanceOf(SimdKernels.class);
        assertThat(KernelSelector.select("openblas", List.of(new FakeProvider("openblas", null))).kernels().name())
                .isEqualTo("openblas");
    }

    @Test
    void aForcedChoiceThatCannotBeHonouredIsAnErrorNotAFallback() {
        KernelSelector.Selection refused = KernelSelector.select("openblas", List.of(new FakeProvider("openblas", "no library")));
        assertThatThrownBy(refused::kernels).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("-Djeras.kernels=openblas cannot be honoured: no library");

        KernelSelector.Selection missing = KernelSelector.select("openblas", List.of());
        assertThatThrownBy(missing::kernels).hasMessageContaining("names no kernels")
                .hasMessageContaining("[scalar, simd]").hasMessageContaining("jeras-blas");

        assertThatThrownBy(KernelSelector.select("gpu", List.of())::kernels).hasMessageContaining("choose one of [scalar, simd]");
    }

    @Test
    void withoutTheVectorModuleTheJvmFallsBackToScalarWithAHint() throws Exception {
        ChildJvm.Result r = ChildJvm.printSelection();
        assertThat(r.exit()).as(r.output()).isZero();
        assertThat(r.output()).contains("active: scalar")
                .contains("--add-modules jdk.incubator.vector");
    }

    @Test
    void forcingSimdWithoutTheVectorModuleFailsWithTheFix() throws Exception {
        ChildJvm.Result r = ChildJvm.printSelection("-D" + KernelSelector.PROPERTY + "=simd");
        assertThat(r.output()).contains("error: -Djeras.kernels=simd cannot be honoured: jdk.incubator.vector is not loaded")
                .contains("start java with --add-modules jdk.incubator.vector");
    }

    @Test
    void theChoiceIsLoggedAtInfo() throws Exception {
        ChildJvm.Result r = ChildJvm.printSelection("--add-modules", "jdk.incubator.vector");
        assertThat(r.output()).contains("INFO: jeras kernels: simd(").contains("Vector API available");
    }

    @Test
    void aBadThreadCountIsAClearErrorNamingTheProperty() throws Exception {
        ChildJvm.Result r = ChildJvm.printSelection("--add-modules", "jdk.incubator.vector", "-Djeras.threads=zero");
        assertThat(r.output()).contains("error: -Djeras.threads must be a whole number of threads from 1 to 256, received 'zero'");
        ChildJvm.Result scalar = ChildJvm.printSelection("--add-modules", "jdk.incubator.vector", "-Djeras.threads=0",
                "-Djeras.kernels=scalar");
        assertThat(scalar.output()).contains("error: -Djeras.threads must be a whole number of threads from 1 to 256, received '0'");
    }

    @Test
    void aBadVectorWidthIsAClearErrorNotAnExceptionInInitializerError() throws Exception {
        ChildJvm.Result r = ChildJvm.printSelection("--add-modules", "jdk.incubator.vector", "-Djeras.simd.bits=300");
        assertThat(r.output()).contains("error: -Djeras.simd.bits=300 is not a vector width jeras runs on this CPU")
                .doesNotContain("ExceptionInInitializerError").doesNotContain("NoClassDefFoundError");
        ChildJvm.Result word = ChildJvm.printSelection("--add-modules", "jdk.incubator.vector", "-Djeras.simd.bits=wide");
        assertThat(word.output()).contains("error: -Djeras.simd.bits must be 128, 256 or 512, received 'wide'");
    }

    @Test
    void withoutC2TheVectorApiIsRefusedWithTheReason() throws Exception {
        ChildJvm.Result r = ChildJvm.printSelection("--add-modules", "jdk.incubator.vector", "-XX:TieredStopAtLevel=1");
        assertThat(r.exit()).as(r.output()).isZero();
        assertThat(r.output()).contains("active: scalar").contains("needs HotSpot's C2 compiler")
                .contains("-XX:TieredStopAtLevel=1");
        ChildJvm.Result forced = ChildJvm.printSelection("--add-modules", "jdk.incubator.vector", "-XX:TieredStopAtLevel=1",
                "-Djeras.kernels=simd");
        assertThat(forced.output()).contains("error: -Djeras.kernels=simd cannot be honoured: the Vector API needs HotSpot's C2 compiler");
    }

    @Test
    void theThreadCountIsInTheName() {
        assertThat(new SimdKernels(3).name()).endsWith(", 3 threads)");
        assertThat(new SimdKernels(1).threads()).isEqualTo(1);
        assertThat(new SimdKernels(3).threads()).isEqualTo(3);
        assertThat(KernelSelector.configuredThreads()).isEqualTo(Runtime.getRuntime().availableProcessors());
    }
}
