package dev.jeras.internal;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * NumPy's {@code .npy} array format (versions 1 to 3): the magic string, a version, a header that is
 * a Python dict literal ({@code {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }}) padded
 * to a multiple of 64 bytes, then the elements in C order. jeras reads unsigned bytes ({@code |u1})
 * and little-endian float32 ({@code <f4}), and writes float32.
 */
public final class Npy {

    /** NumPy's name of the uint8 dtype, as {@link Array#dtype()} gives it. */
    public static final String UINT8 = "uint8";
    /** NumPy's name of the little-endian float32 dtype. */
    public static final String FLOAT32 = "float32";

    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    private Npy() {
    }

    /**
     * A parsed array: its dtype ({@link #UINT8}, {@link #FLOAT32}, or NumPy's descr string of another
     * type, which jeras does not read), its shape, and its elements' bytes in {@code data} from
     * {@code offset}, exactly as many as the shape needs.
     */
    public record Array(String dtype, int[] shape, byte[] data, int offset) {

        /** The number of elements. */
        public long size() {
            long n = 1;
            for (int d : shape) {
                n *= d;
            }
            return n;
        }

        /** The float32 elements; the dtype must be {@link #FLOAT32}. */
        public float[] floats() {
            if (!dtype.equals(FLOAT32)) {
                throw new IllegalStateException("the array's dtype is " + dtype + ", not float32");
            }
            float[] out = new float[Math.toIntExact(size())];
            ByteBuffer.wrap(data, offset, out.length * 4).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
            return out;
        }
    }

    /** Parses one {@code .npy} array; {@code source} names it in errors, which are {@link IllegalArgumentException}s. */
    public static Array parse(byte[] npy, String source) {
        if (npy.length < 10 || !Arrays.equals(npy, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            throw corrupt(source, "it does not start with the .npy magic string \\x93NUMPY");
        }
        int major = npy[6] & 0xFF;
        int headerLength;
        int headerStart;
        if (major == 1) {
            headerLength = (npy[8] & 0xFF) | (npy[9] & 0xFF) << 8;
            headerStart = 10;
        } else if (major == 2 || major == 3) {
            if (npy.length < 12) {
                throw corrupt(source, "it ends inside its header");
            }
            headerLength = (npy[8] & 0xFF) | (npy[9] & 0xFF) << 8 | (npy[10] & 0xFF) << 16 | (npy[11] & 0xFF) << 24;
            headerStart = 12;
        } else {
            throw corrupt(source, "its format version is " + major + "; jeras reads versions 1 to 3");
        }
        if (headerLength < 0 || headerStart + (long) headerLength > npy.length) {
            throw corrupt(source, "its header of " + headerLength + " bytes runs past the end of the " + npy.length + "-byte array");
        }
        String header = new String(npy, headerStart, headerLength, StandardCharsets.ISO_8859_1);
        String descr = field(DESCR, header, "descr", source);
        String dtype = switch (descr) {
            case "|u1", "<u1", ">u1", "u1" -> UINT8;
            case "<f4" -> FLOAT32;
            default -> descr;
        };
        if (field(FORTRAN, header, "fortran_order", source).equals("True")) {
            throw corrupt(source, "it is stored in Fortran order; save it with numpy in C order");
        }
        int[] shape = dims(field(SHAPE, header, "shape", source), source);
        int itemSize = dtype.equals(FLOAT32) ? 4 : 1;
        long size = itemSize;
        for (int d : shape) {
            size = Math.multiplyHigh(size, d) != 0 ? Long.MAX_VALUE : size * d;
        }
        int dataStart = headerStart + headerLength;
        long available = npy.length - dataStart;
        if (size != available && (dtype.equals(UINT8) || dtype.equals(FLOAT32))) {
            throw corrupt(source, "its header declares shape " + Arrays.toString(shape) + " = " + size
                    + " bytes, but it holds " + available + (size > available ? " (truncated)" : " (trailing bytes)"));
        }
        return new Array(dtype, shape, npy, dataStart);
    }

    /** A version 1.0 {@code .npy} of little-endian float32 values in C order with the given shape. */
    public static byte[] float32(float[] values, int[] shape) {
        StringBuilder dims = new StringBuilder();
        for (int d : shape) {
            dims.append(d).append(", ");
        }
        String tuple = shape.length == 1 ? shape[0] + "," : dims.substring(0, Math.max(0, dims.length() - 2));
        StringBuilder header = new StringBuilder("{'descr': '<f4', 'fortran_order': False, 'shape': (" + tuple + "), }");
        // NumPy pads with spaces and ends with a newline so that the data starts on a 64-byte boundary.
        while ((MAGIC.length + 4 + header.length() + 1) % 64 != 0) {
            header.append(' ');
        }
        header.append('\n');
        ByteArrayOutputStream out = new ByteArrayOutputStream(MAGIC.length + 4 + header.length() + values.length * 4);
        out.writeBytes(MAGIC);
        out.write(1);
        out.write(0);
        out.write(header.length() & 0xFF);
        out.write(header.length() >>> 8);
        out.writeBytes(header.toString().getBytes(StandardCharsets.ISO_8859_1));
        ByteBuffer data = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        data.asFloatBuffer().put(values);
        out.writeBytes(data.array());
        return out.toByteArray();
    }

    private static String field(Pattern pattern, String header, String name, String source) {
        Matcher m = pattern.matcher(header);
        if (!m.find()) {
            throw corrupt(source, "its header has no '" + name + "' entry: " + header.strip());
        }
        return m.group(1);
    }

    private static int[] dims(String tuple, String source) {
        String[] parts = tuple.split(",");
        int count = 0;
        int[] dims = new int[parts.length];
        for (String part : parts) {
            String p = part.strip();
            if (p.isEmpty()) {
                continue;
            }
            try {
                dims[count] = Integer.parseInt(p.endsWith("L") ? p.substring(0, p.length() - 1) : p);
            } catch (NumberFormatException e) {
                throw corrupt(source, "its shape (" + tuple + ") is not a tuple of integers below 2^31");
            }
            if (dims[count] < 0) {
                throw corrupt(source, "its shape (" + tuple + ") has a negative dimension");
            }
            count++;
        }
        return Arrays.copyOf(dims, count);
    }

    private static IllegalArgumentException corrupt(String source, String why) {
        return new IllegalArgumentException(source + " is not a valid .npy array: " + why);
    }
}
