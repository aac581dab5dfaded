using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace CritDiff.Statistics;

/// <summary>
/// Bulk standard normals for <see cref="RandomStream.FillGaussian"/>: eight xoshiro256++ lanes (one add,
/// rotate and add for the output: cheaper in SIMD than **'s two multiplies, with every bit as good, which
/// the layer's low 8 bits need), seeded through SplitMix64 from one draw of the parent stream, feed the ziggurat eight candidates (a block)
/// at a time, in SIMD where the hardware has 512-bit or 256-bit vectors. Candidate l of a block goes to
/// place i + l. A candidate the fast path declines leaves its place open and is queued (with its place)
/// so that the vector loop need not stop; the queue is settled in order when nearly full or at the end:
/// <see cref="Ziggurat.Slow"/> with uniforms from the parent stream, and where that rejects, a fresh
/// <see cref="Ziggurat.Sample"/> from the parent. Each place thus takes the first accepted candidate of
/// its own sequence of independent trials, so the places are independent standard normals, exactly as
/// with one-by-one rejection. The last places (fewer than a block) take the candidates of one more
/// block one by one in lane order. The scalar path runs the very same steps, so the output depends only
/// on the parent stream, never on the hardware.
/// </summary>
internal static class GaussianBlocks
{
    private const int Lanes = 8;

    /// <summary>Queue length for declined candidates (about 1% of draws); a block may add up to eight.</summary>
    private const int QueueLength = 64;

    /// <summary>Fills <paramref name="destination"/>; <paramref name="allowVector"/> false forces the scalar path (tests).</summary>
    public static void Fill(ref RandomStream parent, Span<double> destination, bool allowVector = true) =>
        Fill(ref parent, destination, allowVector ? 512 : 0);

    /// <summary>Fills <paramref name="destination"/> with vectors of at most <paramref name="maxVectorBits"/> bits (0, 256 or 512; tests).</summary>
    public static void Fill(ref RandomStream parent, Span<double> destination, int maxVectorBits)
    {
        if (destination.IsEmpty) return;
        ulong seed = parent.NextUInt64();
        bool wide = maxVectorBits >= 512 && Vector512.IsHardwareAccelerated && Avx512F.IsSupported;
        bool narrow = !wide && maxVectorBits >= 256 && Vector256.IsHardwareAccelerated && Avx2.IsSupported;
        if (wide || narrow) FillVector(ref parent, seed, wide, destination);
        else FillScalar(ref parent, seed, destination);
    }

    /// <summary>
    /// The vector paths: the lane state lives in vectors from the seeding on (a round trip through scalar
    /// memory stalls on store forwarding, which cost more than the normals of a short fill).
    /// </summary>
    private static void FillVector(ref RandomStream parent, ulong seed, bool wide, Span<double> destination)
    {
        var lanes = LaneState.Seed(seed);
        Span<ulong> queue = stackalloc ulong[2 * QueueLength]; // candidates, then their places
        Span<ulong> block = stackalloc ulong[Lanes];
        int i = 0, n = destination.Length;
        while (n - i >= Lanes)
        {
            int queued = 0;
            if (wide) FastRun512(ref lanes, destination, queue, ref i, ref queued);
            else FastRun256(ref lanes, destination, queue, ref i, ref queued);
            Settle(ref parent, queue, queued, destination);
        }
        while (i < n)
        {
            lanes.Next(block);
            for (int l = 0; l < Lanes && i < n; l++) Use(ref parent, block[l], destination, ref i);
        }
    }

    /// <summary>The same steps as <see cref="FillVector"/>, one lane at a time.</summary>
    private static void FillScalar(ref RandomStream parent, ulong seed, Span<double> destination)
    {
        Span<ulong> state = stackalloc ulong[4 * Lanes]; // word w of lane l at w * Lanes + l
        for (int k = 0; k < state.Length; k++) state[k] = RandomStream.SplitMix(ref seed);
        // xoshiro needs a non-zero state per lane (an all-zero lane has probability 2^-256).
        for (int l = 0; l < Lanes; l++)
            if ((state[l] | state[Lanes + l] | state[2 * Lanes + l] | state[3 * Lanes + l]) == 0) state[l] = 1;
        Span<ulong> queue = stackalloc ulong[2 * QueueLength];
        Span<ulong> block = stackalloc ulong[Lanes];
        int i = 0, n = destination.Length;
        while (n - i >= Lanes)
        {
            int queued = 0;
            while (i + Lanes <= n && queued <= QueueLength - Lanes)
            {
                NextScalar(state, block);
                Block(block, destination, ref i, queue, ref queued);
            }
            Settle(ref parent, queue, queued, destination);
        }
        while (i < n)
        {
            NextScalar(state, block);
            for (int l = 0; l < Lanes && i < n; l++) Use(ref parent, block[l], destination, ref i);
        }
    }

    /// <summary>One step of every lane by the scalar xoshiro256++.</summary>
    private static void NextScalar(Span<ulong> state, Span<ulong> block)
    {
        for (int l = 0; l < Lanes; l++)
        {
            ref ulong s0 = ref state[l], s1 = ref state[Lanes + l], s2 = ref state[2 * Lanes + l], s3 = ref state[3 * Lanes + l];
            block[l] = BitOperations.RotateLeft(s0 + s3, 23) + s0;
            RandomStream.Advance(ref s0, ref s1, ref s2, ref s3);
        }
    }

    /// <summary>One block on the scalar path: accepted candidates to their places, declined ones queued with theirs.</summary>
    private static void Block(ReadOnlySpan<ulong> block, Span<double> destination, ref int i, Span<ulong> queue, ref int queued)
    {
        for (int l = 0; l < Lanes; l++)
        {
            ulong bits = block[l];
            if (Ziggurat.TryFast(bits, out double x, out _, out _)) destination[i + l] = x;
            else
            {
                queue[queued] = bits;
                queue[QueueLength + queued++] = (ulong)(i + l);
            }
        }
        i += Lanes;
    }

    /// <summary>Fills the open places in queue order: the slow path on the declined candidate, else a fresh sample.</summary>
    private static void Settle(ref RandomStream parent, ReadOnlySpan<ulong> queue, int queued, Span<double> destination)
    {
        for (int q = 0; q < queued; q++)
        {
            Ziggurat.TryFast(queue[q], out double x, out int layer, out double u);
            x = Ziggurat.Slow(ref parent, layer, u, x);
            destination[(int)queue[QueueLength + q]] = double.IsNaN(x) ? Ziggurat.Sample(ref parent) : x;
        }
    }

    /// <summary>
    /// Runs blocks while one fits in the destination and the queue has room for one: all eight lanes in
    /// one 512-bit vector, stored whole; the declined candidates and their places are queued by register
    /// compresses (a compress to memory is slow on Zen 4) without leaving the loop. A separate method
    /// without calls, so the lane state stays in registers.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void FastRun512(ref LaneState lanes, Span<double> destination, Span<ulong> queue, ref int index, ref int queued)
    {
        var s0 = Vector512.Create(lanes.S0A, lanes.S0B);
        var s1 = Vector512.Create(lanes.S1A, lanes.S1B);
        var s2 = Vector512.Create(lanes.S2A, lanes.S2B);
        var s3 = Vector512.Create(lanes.S3A, lanes.S3B);
        ref double edges = ref Ziggurat.EdgeReference;
        ref double target = ref MemoryMarshal.GetReference(destination);
        ref ulong waiting = ref MemoryMarshal.GetReference(queue);
        var exponent = Vector512.Create(0x3FF0000000000000UL);
        int i = index, q = queued, n = destination.Length;
        while (i + Lanes <= n && q <= QueueLength - Lanes)
        {
            var draw = Next(ref s0, ref s1, ref s2, ref s3);
            // u = 2 [1, 2) - 3 as one fused multiply-add: both roundings are exact, so the same as TryFast.
            var u = Vector512.FusedMultiplyAdd((Vector512.ShiftRightLogical(draw, 12) | exponent).AsDouble(),
                Vector512.Create(2.0), Vector512.Create(-3.0));
            // The layers (low bytes) packed into one general register by a truncating move: cheaper than
            // eight element extracts (through memory, a vector store does not forward to byte loads on Zen 4).
            ulong layers = Avx512F.ConvertToVector128Byte(draw).AsUInt64().ToScalar();
            var p0 = Pair(ref edges, (byte)layers);
            var p1 = Pair(ref edges, (byte)(layers >>= 8));
            var p2 = Pair(ref edges, (byte)(layers >>= 8));
            var p3 = Pair(ref edges, (byte)(layers >>= 8));
            var p4 = Pair(ref edges, (byte)(layers >>= 8));
            var p5 = Pair(ref edges, (byte)(layers >>= 8));
            var p6 = Pair(ref edges, (byte)(layers >>= 8));
            var p7 = Pair(ref edges, (byte)(layers >> 8));
            // One 16-byte load per lane gives (X[i], X[i+1]); two unpacks sort them into edge and next.
            var even = Vector256.Create(p0, p2).ToVector512Unsafe().WithUpper(Vector256.Create(p4, p6));
            var odd = Vector256.Create(p1, p3).ToVector512Unsafe().WithUpper(Vector256.Create(p5, p7));
            var x = u * Avx512F.UnpackLow(even, odd);
            var declined = Vector512.GreaterThanOrEqual(Vector512.Abs(x), Avx512F.UnpackHigh(even, odd)).AsUInt64();
            x.StoreUnsafe(ref target, (nuint)i);
            if (declined.ExtractMostSignificantBits() != 0)
            {
                Avx512F.Compress(draw, declined, draw).StoreUnsafe(ref waiting, (nuint)q);
                var places = Vector512.Create((ulong)i) + Vector512<ulong>.Indices;
                Avx512F.Compress(places, declined, places).StoreUnsafe(ref waiting, (nuint)(QueueLength + q));
                q += BitOperations.PopCount(declined.ExtractMostSignificantBits());
            }
            i += Lanes;
        }
        lanes.S0A = s0.GetLower(); lanes.S0B = s0.GetUpper();
        lanes.S1A = s1.GetLower(); lanes.S1B = s1.GetUpper();
        lanes.S2A = s2.GetLower(); lanes.S2B = s2.GetUpper();
        lanes.S3A = s3.GetLower(); lanes.S3B = s3.GetUpper();
        index = i;
        queued = q;
    }

    /// <summary>
    /// <see cref="FastRun512"/> on two 256-bit halves of four lanes (AVX2): the declined candidates are
    /// queued one by one on the rare path, still without leaving the loop.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void FastRun256(ref LaneState lanes, Span<double> destination, Span<ulong> queue, ref int index, ref int queued)
    {
        var (a0, a1, a2, a3) = (lanes.S0A, lanes.S1A, lanes.S2A, lanes.S3A);
        var (b0, b1, b2, b3) = (lanes.S0B, lanes.S1B, lanes.S2B, lanes.S3B);
        ref double edges = ref Ziggurat.EdgeReference;
        ref double target = ref MemoryMarshal.GetReference(destination);
        ref ulong waiting = ref MemoryMarshal.GetReference(queue);
        var exponent = Vector256.Create(0x3FF0000000000000UL);
        // Byte shuffles that gather the layers (low bytes) of lanes 0-3 and 4-7 into one general register:
        // cheaper than eight element extracts.
        var lowBytes = Vector256.Create((byte)0, 8, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
            0, 8, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80);
        var highBytes = Vector256.Create((byte)0x80, 0x80, 0, 8, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
            0x80, 0x80, 0, 8, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80);
        var gather = Vector256.Create(0, 4, 0, 0, 0, 0, 0, 0);
        int i = index, q = queued, n = destination.Length;
        while (i + Lanes <= n && q <= QueueLength - Lanes)
        {
            var low = Next(ref a0, ref a1, ref a2, ref a3);
            var high = Next(ref b0, ref b1, ref b2, ref b3);
            var uLow = (Vector256.ShiftRightLogical(low, 12) | exponent).AsDouble() * 2.0 - Vector256.Create(3.0);
            var uHigh = (Vector256.ShiftRightLogical(high, 12) | exponent).AsDouble() * 2.0 - Vector256.Create(3.0);
            // Bytes of the packed layers: lanes 0, 1, 4, 5, 2, 3, 6, 7.
            var packed = Avx2.Shuffle(low.AsByte(), lowBytes) | Avx2.Shuffle(high.AsByte(), highBytes);
            ulong layers = Avx2.PermuteVar8x32(packed.AsInt32(), gather).AsUInt64().ToScalar();
            var p0 = Pair(ref edges, (byte)layers);
            var p1 = Pair(ref edges, (byte)(layers >>= 8));
            var p4 = Pair(ref edges, (byte)(layers >>= 8));
            var p5 = Pair(ref edges, (byte)(layers >>= 8));
            var p2 = Pair(ref edges, (byte)(layers >>= 8));
            var p3 = Pair(ref edges, (byte)(layers >>= 8));
            var p6 = Pair(ref edges, (byte)(layers >>= 8));
            var p7 = Pair(ref edges, (byte)(layers >> 8));
            var evenLow = Vector256.Create(p0, p2);
            var oddLow = Vector256.Create(p1, p3);
            var evenHigh = Vector256.Create(p4, p6);
            var oddHigh = Vector256.Create(p5, p7);
            var xLow = uLow * Avx.UnpackLow(evenLow, oddLow);
            var xHigh = uHigh * Avx.UnpackLow(evenHigh, oddHigh);
            xLow.StoreUnsafe(ref target, (nuint)i);
            xHigh.StoreUnsafe(ref target, (nuint)(i + 4));
            uint declined = Vector256.GreaterThanOrEqual(Vector256.Abs(xLow), Avx.UnpackHigh(evenLow, oddLow)).ExtractMostSignificantBits()
                | Vector256.GreaterThanOrEqual(Vector256.Abs(xHigh), Avx.UnpackHigh(evenHigh, oddHigh)).ExtractMostSignificantBits() << 4;
            while (declined != 0)
            {
                int l = BitOperations.TrailingZeroCount(declined);
                Unsafe.Add(ref waiting, q) = l < 4 ? low.GetElement(l) : high.GetElement(l - 4);
                Unsafe.Add(ref waiting, QueueLength + q) = (ulong)(i + l);
                q++;
                declined &= declined - 1;
            }
            i += Lanes;
        }
        (lanes.S0A, lanes.S1A, lanes.S2A, lanes.S3A) = (a0, a1, a2, a3);
        (lanes.S0B, lanes.S1B, lanes.S2B, lanes.S3B) = (b0, b1, b2, b3);
        index = i;
        queued = q;
    }

    /// <summary>(X[layer], X[layer + 1]) in one load; layer &lt;= 255, so inside the 257 edges.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<double> Pair(ref double edges, ulong layer) => Vector128.LoadUnsafe(ref edges, (nuint)layer);

    /// <summary>One candidate: accepted on the fast path, else through the slow path (which may reject it).</summary>
    private static void Use(ref RandomStream parent, ulong bits, Span<double> destination, ref int i)
    {
        if (!Ziggurat.TryFast(bits, out double x, out int layer, out double u))
        {
            x = Ziggurat.Slow(ref parent, layer, u, x);
            if (double.IsNaN(x)) return;
        }
        destination[i++] = x;
    }

    /// <summary>xoshiro256++ on eight lanes; rotations and three-way xors in one instruction each.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<ulong> Next(ref Vector512<ulong> s0, ref Vector512<ulong> s1, ref Vector512<ulong> s2, ref Vector512<ulong> s3)
    {
        var result = Avx512F.RotateLeft(s0 + s3, 23) + s0;
        var t = Vector512.ShiftLeft(s1, 17);
        // s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t, on the old values: 0x96 is a ^ b ^ c.
        var n1 = Avx512F.TernaryLogic(s1, s2, s0, 0x96);
        var n0 = Avx512F.TernaryLogic(s0, s3, s1, 0x96);
        var n2 = Avx512F.TernaryLogic(s2, s0, t, 0x96);
        s3 = Avx512F.RotateLeft(s3 ^ s1, 45);
        (s0, s1, s2) = (n0, n1, n2);
        return result;
    }

    /// <summary>xoshiro256++ on four lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<ulong> Next(ref Vector256<ulong> s0, ref Vector256<ulong> s1, ref Vector256<ulong> s2, ref Vector256<ulong> s3)
    {
        var sum = s0 + s3;
        var result = (Vector256.ShiftLeft(sum, 23) | Vector256.ShiftRightLogical(sum, 41)) + s0;
        var t = Vector256.ShiftLeft(s1, 17);
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = Vector256.ShiftLeft(s3, 45) | Vector256.ShiftRightLogical(s3, 19);
        return result;
    }

    /// <summary>The eight lanes' state as two halves of four (word w of lanes 0-3 in SwA, of lanes 4-7 in SwB).</summary>
    private struct LaneState
    {
        public Vector256<ulong> S0A, S1A, S2A, S3A, S0B, S1B, S2B, S3B;

        /// <summary>
        /// The SplitMix64 seeding of <see cref="FillScalar"/> in vectors: its k-th output mixes seed + k golden
        /// gammas (k from 1), and word w of lane l is output 8 w + l + 1.
        /// </summary>
        public static LaneState Seed(ulong seed)
        {
            var lane = Vector256.Create(1UL, 2, 3, 4);
            var state = new LaneState
            {
                S0A = Mix(seed, lane), S0B = Mix(seed, lane + Vector256.Create(4UL)),
                S1A = Mix(seed, lane + Vector256.Create(8UL)), S1B = Mix(seed, lane + Vector256.Create(12UL)),
                S2A = Mix(seed, lane + Vector256.Create(16UL)), S2B = Mix(seed, lane + Vector256.Create(20UL)),
                S3A = Mix(seed, lane + Vector256.Create(24UL)), S3B = Mix(seed, lane + Vector256.Create(28UL)),
            };
            // xoshiro needs a non-zero state per lane (an all-zero lane has probability 2^-256).
            state.S0A |= Vector256.Equals(state.S0A | state.S1A | state.S2A | state.S3A, Vector256<ulong>.Zero) & Vector256<ulong>.One;
            state.S0B |= Vector256.Equals(state.S0B | state.S1B | state.S2B | state.S3B, Vector256<ulong>.Zero) & Vector256<ulong>.One;
            return state;
        }

        private static Vector256<ulong> Mix(ulong seed, Vector256<ulong> k)
        {
            var z = Vector256.Create(seed) + k * 0x9E3779B97F4A7C15UL;
            z = (z ^ Vector256.ShiftRightLogical(z, 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ Vector256.ShiftRightLogical(z, 27)) * 0x94D049BB133111EBUL;
            return z ^ Vector256.ShiftRightLogical(z, 31);
        }

        /// <summary>One step of every lane into <paramref name="block"/> (lane order).</summary>
        public void Next(Span<ulong> block)
        {
            GaussianBlocks.Next(ref S0A, ref S1A, ref S2A, ref S3A).CopyTo(block);
            GaussianBlocks.Next(ref S0B, ref S1B, ref S2B, ref S3B).CopyTo(block[4..]);
        }
    }
}
