package dev.jeras.kernels;

/** Prints the kernel selection of the JVM it runs in; started by {@link KernelSelectorTest} without the Vector API. */
public final class PrintSelection {

    private PrintSelection() {
    }

    public static void main(String[] args) {
        try {
            System.out.println("active: " + Kernels.selection());
            System.out.println("name: " + Kernels.active().name());
        } catch (IllegalStateException e) {
            System.out.println("error: " + e.getMessage());
        }
    }
}
