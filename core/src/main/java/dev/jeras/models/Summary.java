package dev.jeras.models;

import java.util.List;
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

    /** One table row; a layer cell too long for its column wraps at spaces onto more lines, as Keras's rich table does. */
    private static String row(char bar, String layer, String shape, String params) {
        StringBuilder s = new StringBuilder();
        List<String> lines = wrap(layer, WIDTHS[0] - 2);
        for (int i = 0; i < lines.size(); i++) {
            String sh = i == 0 ? shape : "";
            String p = i == 0 ? params : "";
            s.append(bar).append(' ').append(pad(lines.get(i), WIDTHS[0] - 2)).append(' ').append(bar).append(' ')
                    .append(pad(sh, WIDTHS[1] - 2)).append(' ').append(bar).append(' ')
                    .append(" ".repeat(Math.max(0, WIDTHS[2] - 2 - p.length()))).append(p).append(' ').append(bar).append('\n');
        }
        return s.toString();
    }

    private static List<String> wrap(String text, int width) {
        List<String> lines = new java.util.ArrayList<>();
        String rest = text;
        while (rest.length() > width) {
            int cut = rest.lastIndexOf(' ', width);
            if (cut <= 0) {
                cut = width;
            }
            lines.add(rest.substring(0, cut));
            rest = rest.substring(cut).stripLeading();
        }
        lines.add(rest);
        return lines;
    }

    private static String pad(String text, int width) {
        return text.length() >= width ? text : text + " ".repeat(width - text.length());
    }
}
