package org.infnet.io.nifti;

/**
 * NIfTI-1 voxel data types supported by {@link NiftiReader} (all of them) and
 * {@link NiftiWriter} ({@link #UINT8} and {@link #FLOAT32}).
 */
public enum NiftiDataType {
    /** DT_UINT8, code 2. */
    UINT8(2, 1),
    /** DT_INT16, code 4. */
    INT16(4, 2),
    /** DT_INT32, code 8. */
    INT32(8, 4),
    /** DT_FLOAT32, code 16. */
    FLOAT32(16, 4),
    /** DT_FLOAT64, code 64. */
    FLOAT64(64, 8),
    /** DT_UINT16, code 512. */
    UINT16(512, 2);

    private final int code;
    private final int bytes;

    NiftiDataType(int code, int bytes) {
        this.code = code;
        this.bytes = bytes;
    }

    /** The NIfTI {@code datatype} code. */
    public int code() {
        return code;
    }

    /** Bytes per voxel. */
    public int bytes() {
        return bytes;
    }

    /** Bits per voxel ({@code bitpix}). */
    public int bitpix() {
        return bytes * 8;
    }

    /** The type with this code, or {@code null} if unsupported. */
    public static NiftiDataType ofCode(int code) {
        for (NiftiDataType t : values()) {
            if (t.code == code) {
                return t;
            }
        }
        return null;
    }

    /** Human-readable name of any NIfTI-1 datatype code (also unsupported ones), for messages. */
    public static String describe(int code) {
        return switch (code) {
            case 0 -> "unknown";
            case 1 -> "binary";
            case 2 -> "uint8";
            case 4 -> "int16";
            case 8 -> "int32";
            case 16 -> "float32";
            case 32 -> "complex64";
            case 64 -> "float64";
            case 128 -> "rgb24";
            case 256 -> "int8";
            case 512 -> "uint16";
            case 768 -> "uint32";
            case 1024 -> "int64";
            case 1280 -> "uint64";
            case 1536 -> "float128";
            case 1792 -> "complex128";
            case 2048 -> "complex256";
            case 2304 -> "rgba32";
            default -> "invalid";
        };
    }
}
