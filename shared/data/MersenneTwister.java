package data;

/**
 * MT19937, the 32-bit Mersenne Twister of Matsumoto and Nishimura, seeded with {@code init_genrand}: the generator
 * behind both numpy's legacy {@code RandomState} and PyTorch's CPU generator, so one class serves both.
 */
public final class MersenneTwister {
    private static final int N = 624;
    private static final int M = 397;
    private static final int MATRIX_A = 0x9908b0df;
    private static final int UPPER_MASK = 0x80000000;
    private static final int LOWER_MASK = 0x7fffffff;

    private final int[] state = new int[N];
    private int next = N;

    /** {@code init_genrand(seed)}: only the low 32 bits of the seed count. */
    public MersenneTwister(long seed) {
        state[0] = (int) seed;
        for (int i = 1; i < N; i++) state[i] = 1812433253 * (state[i - 1] ^ (state[i - 1] >>> 30)) + i;  // mod 2^32 by int overflow
    }

    /** The next tempered 32-bit output, its bits in an int (use {@link Integer#toUnsignedLong} for its value). */
    public int nextInt() {
        if (next == N) twist();
        int y = state[next++];
        y ^= y >>> 11;
        y ^= (y << 7) & 0x9d2c5680;
        y ^= (y << 15) & 0xefc60000;
        y ^= y >>> 18;
        return y;
    }

    /** Refills the state: the standard MT19937 twist. */
    private void twist() {
        for (int k = 0; k < N; k++) {
            int y = (state[k] & UPPER_MASK) | (state[(k + 1) % N] & LOWER_MASK);
            state[k] = state[(k + M) % N] ^ (y >>> 1) ^ (-(y & 1) & MATRIX_A);
        }
        next = 0;
    }

    @Override
    public String toString() {
        return "MersenneTwister[MT19937, next output " + next + " of " + N + "]";
    }
}
