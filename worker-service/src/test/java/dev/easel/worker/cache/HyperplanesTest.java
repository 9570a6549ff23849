package dev.easel.worker.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class HyperplanesTest {

    @Test
    void everyInstanceHashesAnEmbeddingToTheSameBuckets() {
        float[] v = unit(new SplittableRandom(1), 128);
        assertThat(new Hyperplanes(96).signature(v)).containsExactly(new Hyperplanes(96).signature(v));
    }

    @Test
    void closeEmbeddingsShareBandsAndUnrelatedOnesRarelyDo() {
        SplittableRandom random = new SplittableRandom(7);
        Hyperplanes planes = new Hyperplanes(SimilarResults.BANDS * SimilarResults.BITS);
        int closeShare = 0;
        int unrelatedShare = 0;
        int bitsAgreeingClose = 0;
        int trials = 200;
        for (int t = 0; t < trials; t++) {
            float[] a = unit(random, 128);
            float[] close = blend(a, unit(random, 128), 0.95); // cosine 0.95 to a
            float[] unrelated = unit(random, 128);             // cosine near 0
            closeShare += sharesABand(planes.signature(a), planes.signature(close)) ? 1 : 0;
            unrelatedShare += sharesABand(planes.signature(a), planes.signature(unrelated)) ? 1 : 0;
            bitsAgreeingClose += agreeingBits(planes.signature(a), planes.signature(close));
        }
        // Charikar: a bit agrees with probability 1 - θ/π; θ = acos(0.95) ≈ 0.318 → 0.899 per bit.
        double perBit = (double) bitsAgreeingClose / (trials * SimilarResults.BANDS * SimilarResults.BITS);
        assertThat(perBit).isBetween(0.87, 0.93);
        // A band of 8 bits then matches with 0.899^8 ≈ 0.43, at least one of 12 with ≈ 0.999; unrelated: 0.5^8 per band.
        assertThat(closeShare).isGreaterThanOrEqualTo(trials * 97 / 100);
        assertThat(unrelatedShare).isLessThan(trials / 8);
    }

    private static boolean sharesABand(long[] a, long[] b) {
        for (int i = 0; i < a.length; i++) {
            if (a[i] == b[i]) {
                return true;
            }
        }
        return false;
    }

    private static int agreeingBits(long[] a, long[] b) {
        int agree = 0;
        for (int i = 0; i < a.length; i++) {
            agree += SimilarResults.BITS - Long.bitCount((a[i] ^ b[i]) & ((1L << SimilarResults.BITS) - 1));
        }
        return agree;
    }

    /** A unit vector at cosine {@code c} to unit {@code a}, towards the part of {@code b} orthogonal to it. */
    private static float[] blend(float[] a, float[] b, double c) {
        double dot = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
        }
        float[] orth = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            orth[i] = (float) (b[i] - dot * a[i]);
        }
        normalize(orth);
        float[] out = new float[a.length];
        double s = Math.sqrt(1 - c * c);
        for (int i = 0; i < a.length; i++) {
            out[i] = (float) (c * a[i] + s * orth[i]);
        }
        return out;
    }

    private static float[] unit(SplittableRandom random, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (random.nextDouble() * 2 - 1);
        }
        normalize(v);
        return v;
    }

    private static void normalize(float[] v) {
        double norm = 0;
        for (float x : v) {
            norm += x * x;
        }
        for (int i = 0; i < v.length; i++) {
            v[i] /= (float) Math.sqrt(norm);
        }
    }
}
