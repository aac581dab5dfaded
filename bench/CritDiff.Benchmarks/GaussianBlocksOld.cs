using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using CritDiff.Statistics;

namespace CritDiff.Benchmarks;

/// <summary>
/// The previous bulk-normal generator (four xoshiro256** lanes in a Vector256, scalar table loads, leaving the
/// fast loop whenever a candidate of a block is declined), kept only as the in-process baseline of the
/// "normals" quick mode (<see cref="NormalThroughput"/>). Not the library's numbers: see GaussianBlocks.
/// </summary>
internal static class GaussianBlocksOld
{
    private const int Lanes = 4;

    /// <summary>Fills <paramref name="destination"/>; <paramref name="allowVector"/> false forces the scalar path (tests).</summary>
    public static void Fill(ref RandomStream parent, Span<double> destination, bool allowVector = true)
    {
        if (destination.IsEmpty) return;
        Span<ulong> state = stackalloc ulong[4 * Lanes]; // word w of lane l at w * Lanes + l
        ulong seed = parent.NextUInt64();
        for (int i = 0; i < state.Length; i++) state[i] = RandomStream.SplitMix(ref seed);
        // xoshiro needs a non-zero state per lane (an all-zero lane has probability 2^-256).
        for (int l = 0; l < Lanes; l++)
            if ((state[l] | state[Lanes + l] | state[2 * Lanes + l] | state[3 * Lanes + l]) == 0) state[l] = 1;
        if (allowVector && Vector256.IsHardwareAccelerated) FillVector(ref parent, state, destination);
        else FillScalar(ref parent, state, destination);
    }

    private static void FillVector(ref RandomStream parent, ReadOnlySpan<ulong> state, Span<double> destination)
    {
        var lanes = new LaneState
        {
            S0 = Vector256.Create<ulong>(state[..Lanes]),
            S1 = Vector256.Create<ulong>(state[Lanes..(2 * Lanes)]),
            S2 = Vector256.Create<ulong>(state[(2 * Lanes)..(3 * Lanes)]),
            S3 = Vector256.Create<ulong>(state[(3 * Lanes)..]),
        };
        int i = 0;
        while (i < destination.Length)
        {
            if (!FastRun(ref lanes, destination, ref i, out var pending)) continue;
            for (int l = 0; l < Lanes && i < destination.Length; l++) Use(ref parent, pending.GetElement(l), destination, ref i);
        }
    }

    /// <summary>
    /// Stores blocks of four while every candidate passes the ziggurat's fast test and four places
    /// remain; returns true with the block it could not store whole in <paramref name="pending"/>.
    /// A separate method without calls, so the lane state stays in registers.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static bool FastRun(ref LaneState lanes, Span<double> destination, ref int index, out Vector256<ulong> pending)
    {
        var (s0, s1, s2, s3) = (lanes.S0, lanes.S1, lanes.S2, lanes.S3);
        ref double edges = ref Ziggurat.EdgeReference;
        ref double target = ref MemoryMarshal.GetReference(destination);
        var mask = Vector256.Create(0xFFUL);
        var exponent = Vector256.Create(0x3FF0000000000000UL);
        int i = index, n = destination.Length;
        bool stopped = false;
        pending = default;
        while (i < n)
        {
            var draw = Next(ref s0, ref s1, ref s2, ref s3);
            var layer = draw & mask;
            var u = (Vector256.ShiftRightLogical(draw, 12) | exponent).AsDouble() * 2.0 - Vector256.Create(3.0);
            // Native-int indices fold "+ 1" into the load address.
            nint l0 = (nint)layer.GetElement(0), l1 = (nint)layer.GetElement(1);
            nint l2 = (nint)layer.GetElement(2), l3 = (nint)layer.GetElement(3);
            var x = u * Vector256.Create(Unsafe.Add(ref edges, l0), Unsafe.Add(ref edges, l1),
                Unsafe.Add(ref edges, l2), Unsafe.Add(ref edges, l3));
            var next = Vector256.Create(Unsafe.Add(ref edges, l0 + 1), Unsafe.Add(ref edges, l1 + 1),
                Unsafe.Add(ref edges, l2 + 1), Unsafe.Add(ref edges, l3 + 1));
            if (!Vector256.LessThanAll(Vector256.Abs(x), next) || i + Lanes > n)
            {
                pending = draw;
                stopped = true;
                break;
            }
            x.StoreUnsafe(ref target, (nuint)i);
            i += Lanes;
        }
        (lanes.S0, lanes.S1, lanes.S2, lanes.S3) = (s0, s1, s2, s3);
        index = i;
        return stopped;
    }

    private static void FillScalar(ref RandomStream parent, Span<ulong> state, Span<double> destination)
    {
        int i = 0;
        while (i < destination.Length)
            for (int l = 0; l < Lanes && i < destination.Length; l++)
            {
                ulong s0 = state[l], s1 = state[Lanes + l], s2 = state[2 * Lanes + l], s3 = state[3 * Lanes + l];
                ulong result = RandomStream.Step(ref s0, ref s1, ref s2, ref s3);
                (state[l], state[Lanes + l], state[2 * Lanes + l], state[3 * Lanes + l]) = (s0, s1, s2, s3);
                Use(ref parent, result, destination, ref i);
            }
    }

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

    /// <summary>xoshiro256** on four lanes; x * 5 and x * 9 as shifts and adds (AVX2 has no 64-bit multiply).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<ulong> Next(ref Vector256<ulong> s0, ref Vector256<ulong> s1, ref Vector256<ulong> s2, ref Vector256<ulong> s3)
    {
        var times5 = Vector256.ShiftLeft(s1, 2) + s1;
        var rotated = Vector256.ShiftLeft(times5, 7) | Vector256.ShiftRightLogical(times5, 57);
        var result = Vector256.ShiftLeft(rotated, 3) + rotated;
        var t = Vector256.ShiftLeft(s1, 17);
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = Vector256.ShiftLeft(s3, 45) | Vector256.ShiftRightLogical(s3, 19);
        return result;
    }

    private struct LaneState
    {
        public Vector256<ulong> S0, S1, S2, S3;
    }
}
