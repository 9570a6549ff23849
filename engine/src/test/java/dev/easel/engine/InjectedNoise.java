package dev.easel.engine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/** Noise read from reference files, handed out in order: the parity tests' stand-in for {@link SeededNoise}. */
public final class InjectedNoise implements NoiseSource {

    private final float[] values;
    private int position;

    public InjectedNoise(float[] values) {
        this.values = values;
    }

    @Override
    public float[] gaussian(int n) {
        if (position + n > values.length) {
            throw new IllegalStateException("the reference noise has " + values.length + " values; asked for " + (position + n));
        }
        float[] out = Arrays.copyOfRange(values, position, position + n);
        position += n;
        return out;
    }

    public int remaining() {
        return values.length - position;
    }

    /** Raw little-endian float32 values. */
    public static float[] read(Path file) {
        try {
            ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
            float[] out = new float[bytes.remaining() / 4];
            bytes.asFloatBuffer().get(out);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
