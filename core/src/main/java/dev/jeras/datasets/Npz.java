package dev.jeras.datasets;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import dev.jeras.UInt8Tensor;

/**
 * Reads NumPy {@code .npz} archives (a zip of {@code .npy} arrays), as Keras stores
 * {@code mnist.npz}. Only unsigned-byte arrays in C order are read.
 */
final class Npz {

    private static final byte[] NPY_MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    private Npz() {
    }

    /** The arrays of an npz archive by name without {@code .npy}, in archive order. */
    static Map<String, UInt8Tensor> parse(byte[] archive, String source) {
        Map<String, UInt8Tensor> arrays = new LinkedHashMap<>();
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(archive))) {
            ZipEntry entry;
            while ((entry = zip.getNextEntry()) != null) {
                String name = entry.getName();
                if (!name.endsWith(".npy")) {
                    continue;
                }
                String key = name.substring(0, name.length() - 4);
                arrays.put(key, parseNpy(DataFiles.readBounded(zip, source + "!" + name), source + "!" + name));
            }
        } catch (IOException e) {
            throw new DatasetException(source + " is not a valid .npz (zip) archive: " + e.getMessage()
                    + "; delete it and fetch it again", e);
        }
        if (arrays.isEmpty()) {
            throw new DatasetException(source + " holds no .npy arrays: it is not a NumPy .npz archive; delete it and fetch it again");
        }
        return arrays;
    }

    /** Parses one {@code .npy} array (format versions 1 to 3). */
    static UInt8Tensor parseNpy(byte[] npy, String source) {
        if (npy.length < 10 || !startsWithMagic(npy)) {
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
        if (!descr.equals("|u1") && !descr.equals("<u1") && !descr.equals(">u1") && !descr.equals("u1")) {
            throw corrupt(source, "its dtype is '" + descr + "'; jeras reads uint8 arrays ('|u1')");
        }
        if (field(FORTRAN, header, "fortran_order", source).equals("True")) {
            throw corrupt(source, "it is stored in Fortran order; save it with numpy in C order");
        }
        int[] dims = dims(field(SHAPE, header, "shape", source), source);
        long size = 1;
        for (int d : dims) {
            size *= d;
        }
        int dataStart = headerStart + headerLength;
        long available = npy.length - dataStart;
        if (size != available) {
            throw corrupt(source, "its header declares shape " + java.util.Arrays.toString(dims) + " = " + size
                    + " bytes, but it holds " + available + (size > available ? " (truncated)" : " (trailing bytes)"));
        }
        return UInt8Tensor.wrap(java.util.Arrays.copyOfRange(npy, dataStart, npy.length), dims);
    }

    private static boolean startsWithMagic(byte[] npy) {
        for (int i = 0; i < NPY_MAGIC.length; i++) {
            if (npy[i] != NPY_MAGIC[i]) {
                return false;
            }
        }
        return true;
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
                throw corrupt(source, "its shape (" + tuple + ") is not a tuple of integers");
            }
            if (dims[count] < 0) {
                throw corrupt(source, "its shape (" + tuple + ") has a negative dimension");
            }
            count++;
        }
        if (count == 0) {
            throw corrupt(source, "it is a 0-dimensional array; jeras expects an array of samples");
        }
        return java.util.Arrays.copyOf(dims, count);
    }

    private static DatasetException corrupt(String source, String why) {
        return new DatasetException(source + " is not a valid .npy array: " + why);
    }
}
