package dev.jeras.models;

import java.util.Locale;
import dev.jeras.Shape;
import dev.jeras.layers.Layer;

/** Keras 3's {@code model.summary()} table, drawn with box characters. */
final class Summary {

    private static final int[] WIDTHS = {33, 24, 15};

    private Summary() {
    }

    static String of(Sequential model) {
        StringBuilder s = new StringBuilder();
        s.append("Model: \"").append(model.name()).append("\"\n");
        s.append(rule('┏', '━', '┳', '┓'));
        s.append(row('┃', "Layer (type)", "Output Shape", "Param #"));
        s.append(rule('┡', '━', '╇', '┩'));
        boolean first = true;
        for (Layer layer : model.layers()) {
            if (!first) {
                s.append(rule('├', '─', '┼', '┤'));
            }
            first = false;
            s.append(row('│', layer.name() + " (" + layer.typeName() + ")", layer.outputShape().toBatchString(),
                    String.format(Locale.ROOT, "%,d", layer.countParams())));
        }
        s.append(rule('└', '─', '┴', '┘'));
        long total = model.countParams();
        long trainable = model.countTrainableParams();
        s.append(" Total params: ").append(count(total)).append('\n');
        s.append(" Trainable params: ").append(count(trainable)).append('\n');
        s.append(" Non-trainable params: ").append(count(total - trainable)).append('\n');
        return s.toString();
    }

    private static String count(long params) {
        return String.format(Locale.ROOT, "%,d", params) + " (" + Sequential.readableSize(params * Float.BYTES) + ")";
    }

    private static String rule(char left, char fill, char cross, char right) {
        String line = left + String.valueOf(fill).repeat(WIDTHS[0]) + cross + String.valueOf(fill).repeat(WIDTHS[1])
                + cross + String.valueOf(fill).repeat(WIDTHS[2]) + right;
        return line + "\n";
    }

    private static String row(char bar, String layer, String shape, String params) {
        return bar + " " + pad(layer, WIDTHS[0] - 2) + " " + bar + " " + pad(shape, WIDTHS[1] - 2) + " " + bar + " "
                + " ".repeat(Math.max(0, WIDTHS[2] - 2 - params.length())) + params + " " + bar + "\n";
    }

    private static String pad(String text, int width) {
        return text.length() >= width ? text : text + " ".repeat(width - text.length());
    }
}
