package dev.jeras.datasets;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/** Extracts named regular files from a gzip-compressed tar (ustar) archive, such as an npm package. */
final class Tgz {

    private static final int BLOCK = 512;

    private Tgz() {
    }

    /** The contents of the entries whose file name (last path element) is in {@code wanted}. */
    static Map<String, byte[]> extract(byte[] tgz, Set<String> wanted, String source) {
        byte[] tar = DataFiles.gunzip(tgz, source);
        Map<String, byte[]> found = new HashMap<>();
        int pos = 0;
        while (true) {
            if (pos + BLOCK > tar.length) {
                throw new DatasetException(source + " is truncated: it ends after " + tar.length
                        + " bytes, inside an entry header or before the end-of-archive marker; delete it and fetch it again");
            }
            if (isZeroBlock(tar, pos)) {
                break;
            }
            String name = text(tar, pos, 100);
            String prefix = text(tar, pos + 345, 155);
            String path = prefix.isEmpty() ? name : prefix + "/" + name;
            long size = octal(tar, pos + 124, 12, source);
            char type = (char) tar[pos + 156];
            int dataStart = pos + BLOCK;
            if (size > tar.length - (long) dataStart) {
                throw new DatasetException(source + " is truncated: entry " + path + " declares " + size
                        + " bytes but the archive ends first; delete it and fetch it again");
            }
            String fileName = path.substring(path.lastIndexOf('/') + 1);
            if ((type == '0' || type == '\0') && wanted.contains(fileName)) {
                byte[] data = new byte[(int) size];
                System.arraycopy(tar, dataStart, data, 0, data.length);
                found.put(fileName, data);
            }
            pos = dataStart + (int) ((size + BLOCK - 1) / BLOCK * BLOCK);
        }
        return found;
    }

    private static boolean isZeroBlock(byte[] tar, int pos) {
        for (int i = 0; i < BLOCK; i++) {
            if (tar[pos + i] != 0) {
                return false;
            }
        }
        return true;
    }

    private static String text(byte[] tar, int pos, int length) {
        int end = pos;
        while (end < pos + length && tar[end] != 0) {
            end++;
        }
        return new String(tar, pos, end - pos, StandardCharsets.UTF_8);
    }

    private static long octal(byte[] tar, int pos, int length, String source) {
        String s = text(tar, pos, length).strip();
        try {
            return s.isEmpty() ? 0 : Long.parseLong(s, 8);
        } catch (NumberFormatException e) {
            throw new DatasetException(source + " is not a valid tar archive: entry size '" + s + "' is not octal");
        }
    }
}
