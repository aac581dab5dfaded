using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace CritDiff.Lattices;

/// <summary>
/// Unitary d-dimensional discrete Fourier transform on a <see cref="Lattice"/> (docs/science.md section 2):
/// phi~(k) = V^{-1/2} sum_x exp(-i k.x) phi(x), and its inverse with exp(+i k.x).
/// Built from one <see cref="FftPlan"/> of length L (mixed radix, Bluestein for large primes), applied along
/// each axis with V^{-1/2} applied once. For 5-smooth L (with AVX2/FMA3), rows and strided axes run in blocks of
/// 16-32 lines at once (SIMD across lines); other L go line by line. Real transforms use Hermitian
/// symmetry: two real rows of the last axis go through one complex transform, the other axes are transformed
/// only for k_last in 0..L/2, and the rest of the spectrum is filled from phi~(-k) = conj phi~(k).
/// Modes are indexed like sites (row-major). Instances hold no mutable state and are safe to share between
/// threads; working memory comes from <see cref="ArrayPool{T}.Shared"/>, so calls do not allocate once warm.
/// </summary>
public sealed partial class FourierTransform
{
    /// <summary>Lines of a strided axis gathered together (32 x 16 bytes: whole cache lines from each row read).</summary>
    private const int BlockLines = 32;

    /// <summary>Contiguous lines transformed together by the batched kernels (even, at most <see cref="BlockLines"/>).</summary>
    private const int RowBlock = 16;

    private readonly FftPlan _plan;
    private readonly int[] _negatedRow;
    private readonly double _scale;

    /// <summary>Creates the transform for a lattice.</summary>
    public FourierTransform(Lattice lattice)
    {
        Lattice = lattice ?? throw new ArgumentNullException(nameof(lattice));
        _plan = new FftPlan(lattice.Length);
        _scale = 1 / Math.Sqrt(lattice.SiteCount);
        // Row r holds the modes whose first d - 1 coordinates are fixed; -k lies in row _negatedRow[r].
        _negatedRow = new int[lattice.SiteCount / lattice.Length];
        for (int r = 0; r < _negatedRow.Length; r++) _negatedRow[r] = lattice.NegatedMode(r * lattice.Length) / lattice.Length;
    }

    /// <summary>The lattice the fields live on.</summary>
    public Lattice Lattice { get; }

    /// <summary>
    /// Blocks of lines at once: 5-smooth L on a machine with AVX2/FMA3, and d >= 2 (a 1-D field is one line, and its
    /// block buffers would be 32 L values for nothing).
    /// </summary>
    private bool Batched => _plan.SupportsBatch && Lattice.Dimension > 1;

    /// <summary>Working memory per call: plan scratch and one line for d = 1; two blocks of lines otherwise.</summary>
    private int WorkLength => Lattice.Dimension == 1
        ? _plan.ScratchLength + Lattice.Length
        : Math.Max(_plan.ScratchLength, BlockLines * Lattice.Length) + BlockLines * Lattice.Length;

    /// <summary>In-place unitary forward transform of a complex field of length V.</summary>
    public void Forward(Span<Complex> field) => Transform(field, inverse: false);

    /// <summary>In-place unitary inverse transform of a complex field of length V.</summary>
    public void Inverse(Span<Complex> field) => Transform(field, inverse: true);

    /// <summary>Forward transform of a real field into its full (Hermitian) spectrum.</summary>
    public void ForwardReal(ReadOnlySpan<double> field, Span<Complex> spectrum)
    {
        ForwardRealHalf(field, spectrum);
        FillConjugateHalf(spectrum);
    }

    /// <summary>
    /// Forward transform of a real field into its half spectrum: on return the modes with k_last in 0..L/2 (the
    /// first L/2 + 1 entries of each row of <paramref name="spectrum"/>, indexed like sites) hold the transform; the
    /// other entries are left unspecified. The rest follows from phi~(-k) = conj phi~(k). The same bits as
    /// <see cref="ForwardReal"/> on those modes, without the conjugate fill.
    /// </summary>
    public void ForwardRealHalf(ReadOnlySpan<double> field, Span<Complex> spectrum)
    {
        CheckLength(field.Length, nameof(field));
        CheckLength(spectrum.Length, nameof(spectrum));
        var rented = ArrayPool<Complex>.Shared.Rent(WorkLength);
        try
        {
            var work = rented.AsSpan(0, WorkLength);
            RealRowsForward(field, spectrum, work);
            int half = Lattice.Length / 2 + 1;
            for (int axis = Lattice.Dimension - 2; axis >= 0; axis--) TransformAxis(spectrum, axis, false, half, 1, work);
        }
        finally
        {
            ArrayPool<Complex>.Shared.Return(rented);
        }
    }

    /// <summary>
    /// Inverse transform of a Hermitian spectrum (X(-k) = conj X(k)) given by its half, the modes with k_last in
    /// 0..L/2 as <see cref="ForwardRealHalf"/> writes them; the other entries are not read. The columns k_last = 0 and
    /// L/2, which hold both k and -k, are symmetrised first, as <see cref="InverseReal"/> does. Overwrites
    /// <paramref name="halfSpectrum"/>, which serves as working memory.
    /// </summary>
    public void InverseRealHalf(Span<Complex> halfSpectrum, Span<double> field)
    {
        CheckLength(halfSpectrum.Length, nameof(halfSpectrum));
        CheckLength(field.Length, nameof(field));
        int length = Lattice.Length, half = length / 2 + 1;
        for (int c = 0; c < half; c += Math.Max(1, length / 2))
        {
            if (c != 0 && 2 * c != length) break;
            for (int r = 0; r < _negatedRow.Length; r++)
            {
                int mirror = _negatedRow[r];
                if (mirror < r) continue;
                var x = halfSpectrum[r * length + c];
                var y = halfSpectrum[mirror * length + c];
                var mean = new Complex(0.5 * (x.Real + y.Real), 0.5 * (x.Imaginary - y.Imaginary));
                halfSpectrum[r * length + c] = mean;
                halfSpectrum[mirror * length + c] = Complex.Conjugate(mean);
            }
        }
        var rented = ArrayPool<Complex>.Shared.Rent(WorkLength);
        try
        {
            var work = rented.AsSpan(0, WorkLength);
            for (int axis = 0; axis < Lattice.Dimension - 1; axis++) TransformAxis(halfSpectrum, axis, true, half, 1, work);
            RealRowsInverse(halfSpectrum, field, work);
        }
        finally
        {
            ArrayPool<Complex>.Shared.Return(rented);
        }
    }

    /// <summary>
    /// Inverse transform of a spectrum into a real field: the real part of the complex inverse, which is the
    /// inverse of the Hermitian part (X(k) + conj X(-k)) / 2. <paramref name="scratch"/> (length V) is working
    /// memory; it receives the half spectrum after the transforms along all axes but the last.
    /// </summary>
    public void InverseReal(ReadOnlySpan<Complex> spectrum, Span<double> field, Span<Complex> scratch)
    {
        CheckLength(spectrum.Length, nameof(spectrum));
        CheckLength(field.Length, nameof(field));
        CheckLength(scratch.Length, nameof(scratch));
        int length = Lattice.Length, half = length / 2 + 1;
        for (int r = 0; r < _negatedRow.Length; r++)
        {
            int row = r * length, negated = _negatedRow[r] * length;
            for (int c = 0; c < half; c++)
            {
                var mirror = spectrum[negated + (c == 0 ? 0 : length - c)];
                var x = spectrum[row + c];
                scratch[row + c] = new Complex(0.5 * (x.Real + mirror.Real), 0.5 * (x.Imaginary - mirror.Imaginary));
            }
        }
        var rented = ArrayPool<Complex>.Shared.Rent(WorkLength);
        try
        {
            var work = rented.AsSpan(0, WorkLength);
            for (int axis = 0; axis < Lattice.Dimension - 1; axis++) TransformAxis(scratch, axis, true, half, 1, work);
            RealRowsInverse(scratch, field, work);
        }
        finally
        {
            ArrayPool<Complex>.Shared.Return(rented);
        }
    }

    /// <summary>
    /// Forward transforms of a batch of real fields stored back to back (count x V), in parallel over
    /// fields. Returns the spectra, count x V complex numbers. Each field's spectrum is computed by the same
    /// sequence of operations whatever the thread count, so the bits do not depend on it.
    /// </summary>
    public Complex[] ForwardRealBatch(ReadOnlySpan<double> fields, int count)
    {
        int v = Lattice.SiteCount;
        if (count < 0 || fields.Length != (long)count * v)
            throw new ArgumentException($"expected {count} x {v} values", nameof(fields));
        var spectra = new Complex[(long)count * v];
        var input = fields.ToArray();
        Parallel.For(0, count, j => ForwardReal(input.AsSpan(j * v, v), spectra.AsSpan(j * v, v)));
        return spectra;
    }

    /// <summary>
    /// Applies a real multiplier that is even in k (m(k) = m(-k)) to two real fields at once:
    /// out = IDFT[m DFT[in]], using one complex transform pair for both (the fields go in as
    /// the real and imaginary parts, which stay separate because m is real and even).
    /// </summary>
    public void ApplyEvenMultiplier(ReadOnlySpan<double> multiplier,
        ReadOnlySpan<double> first, Span<double> firstOut,
        ReadOnlySpan<double> second, Span<double> secondOut, Span<Complex> scratch)
    {
        CheckLength(multiplier.Length, nameof(multiplier));
        CheckLength(first.Length, nameof(first));
        CheckLength(second.Length, nameof(second));
        CheckLength(scratch.Length, nameof(scratch));
        for (int i = 0; i < scratch.Length; i++) scratch[i] = new Complex(first[i], second[i]);
        Transform(scratch, inverse: false);
        for (int i = 0; i < scratch.Length; i++) scratch[i] *= multiplier[i];
        Transform(scratch, inverse: true);
        for (int i = 0; i < scratch.Length; i++)
        {
            firstOut[i] = scratch[i].Real;
            secondOut[i] = scratch[i].Imaginary;
        }
    }

    private void Transform(Span<Complex> field, bool inverse)
    {
        CheckLength(field.Length, nameof(field));
        var rented = ArrayPool<Complex>.Shared.Rent(WorkLength);
        try
        {
            var work = rented.AsSpan(0, WorkLength);
            for (int axis = Lattice.Dimension - 1; axis >= 0; axis--)
                TransformAxis(field, axis, inverse, Lattice.Length, axis == 0 ? _scale : 1, work);
        }
        finally
        {
            ArrayPool<Complex>.Shared.Return(rented);
        }
    }

    /// <summary>
    /// Transforms every line along <paramref name="axis"/> whose last coordinate is below
    /// <paramref name="columnLimit"/> (all lines for the last axis), multiplying the result by <paramref name="scale"/>.
    /// </summary>
    private void TransformAxis(Span<Complex> field, int axis, bool inverse, int columnLimit, double scale, Span<Complex> work)
    {
        int length = Lattice.Length, stride = Lattice.Stride(axis);
        var scratch = work[.._plan.ScratchLength];
        if (stride == 1)
        {
            int done = Batched ? TransformRowsBatched(field, inverse, scale, work) : 0;
            for (int start = done * length; start < field.Length; start += length)
            {
                var line = field.Slice(start, length);
                Run(line, scratch, inverse);
                if (scale != 1) Scale(line, scale);
            }
            return;
        }
        if (Batched)
        {
            TransformAxisBatched(field, stride, inverse, columnLimit, scale, work);
            return;
        }
        var block = work.Slice(_plan.ScratchLength, BlockLines * length);
        int span = stride * length;
        for (int outer = 0; outer < field.Length; outer += span)
            for (int row = 0; row < stride; row += length)
                for (int c0 = 0; c0 < columnLimit; c0 += BlockLines)
                {
                    int lines = Math.Min(BlockLines, columnLimit - c0), first = outer + row + c0;
                    for (int n = 0; n < length; n++)
                    {
                        var source = field.Slice(first + n * stride, lines);
                        for (int t = 0; t < lines; t++) block[t * length + n] = source[t];
                    }
                    for (int t = 0; t < lines; t++) Run(block.Slice(t * length, length), scratch, inverse);
                    for (int n = 0; n < length; n++)
                    {
                        var target = field.Slice(first + n * stride, lines);
                        for (int t = 0; t < lines; t++) target[t] = scale * block[t * length + n];
                    }
                }
    }

    /// <summary>
    /// A strided axis with SIMD across lines: blocks of up to <see cref="BlockLines"/> neighbouring lines are copied
    /// row by row (contiguous runs) into the interleaved layout of <see cref="FftPlan.RunBatch"/>, padded to an even
    /// width with zeros, transformed together and copied back.
    /// </summary>
    private void TransformAxisBatched(Span<Complex> field, int stride, bool inverse, int columnLimit, double scale, Span<Complex> work)
    {
        int length = Lattice.Length, span = stride * length;
        var block = work[..(BlockLines * length)];
        var scratch = work[(BlockLines * length)..];
        for (int outer = 0; outer < field.Length; outer += span)
            for (int row = 0; row < stride; row += length)
                for (int c0 = 0; c0 < columnLimit; c0 += BlockLines)
                {
                    int lines = Math.Min(BlockLines, columnLimit - c0), width = (lines + 1) & ~1, first = outer + row + c0;
                    for (int n = 0; n < length; n++)
                    {
                        field.Slice(first + n * stride, lines).CopyTo(block.Slice(n * width, lines));
                        if (width > lines) block[n * width + lines] = Complex.Zero;
                    }
                    var result = _plan.RunBatch(block, width, scratch, inverse);
                    for (int n = 0; n < length; n++)
                    {
                        var target = field.Slice(first + n * stride, lines);
                        var source = result.Slice(n * width, lines);
                        if (scale == 1) source.CopyTo(target);
                        else Scale(source, target, scale);
                    }
                }
    }

    /// <summary>
    /// Contiguous lines (the last axis) in blocks of <see cref="RowBlock"/>, transposed into the interleaved layout
    /// of <see cref="FftPlan.RunBatch"/> and back; returns how many leading rows it did (a multiple of the block).
    /// </summary>
    private int TransformRowsBatched(Span<Complex> field, bool inverse, double scale, Span<Complex> work)
    {
        int length = Lattice.Length, rows = field.Length / length, done = rows / RowBlock * RowBlock;
        var block = work[..(BlockLines * length)];
        var scratch = work[(BlockLines * length)..];
        ref Complex origin = ref MemoryMarshal.GetReference(field);
        ref Complex blockStart = ref MemoryMarshal.GetReference(block);
        for (int r0 = 0; r0 < done; r0 += RowBlock)
        {
            for (int t = 0; t < RowBlock; t++)
            {
                ref Complex source = ref Unsafe.Add(ref origin, (r0 + t) * length);
                ref Complex line = ref Unsafe.Add(ref blockStart, t);
                for (int n = 0; n < length; n++) Unsafe.Add(ref line, n * RowBlock) = Unsafe.Add(ref source, n);
            }
            var result = _plan.RunBatch(block, RowBlock, scratch, inverse);
            ref Complex resultStart = ref MemoryMarshal.GetReference(result);
            for (int t = 0; t < RowBlock; t++)
            {
                ref Complex target = ref Unsafe.Add(ref origin, (r0 + t) * length);
                ref Complex line = ref Unsafe.Add(ref resultStart, t);
                for (int n = 0; n < length; n++) Unsafe.Add(ref target, n) = scale * Unsafe.Add(ref line, n * RowBlock);
            }
        }
        return done;
    }

    private void Run(Span<Complex> line, Span<Complex> scratch, bool inverse)
    {
        if (inverse) _plan.Inverse(line, scratch);
        else _plan.Forward(line, scratch);
    }

    private static void Scale(ReadOnlySpan<Complex> source, Span<Complex> target, double scale)
    {
        var s = System.Runtime.Intrinsics.Vector128.Create(scale);
        ref Complex from = ref MemoryMarshal.GetReference(source);
        ref Complex to = ref MemoryMarshal.GetReference(target);
        for (int i = 0; i < source.Length; i++)
            Unsafe.As<Complex, System.Runtime.Intrinsics.Vector128<double>>(ref Unsafe.Add(ref to, i)) =
                Unsafe.As<Complex, System.Runtime.Intrinsics.Vector128<double>>(ref Unsafe.Add(ref from, i)) * s;
    }

    private static void Scale(Span<Complex> values, double scale)
    {
        for (int i = 0; i < values.Length; i++) values[i] *= scale;
    }

    private void CheckLength(int length, string name)
    {
        if (length != Lattice.SiteCount)
            throw new ArgumentException($"expected length V = {Lattice.SiteCount}, got {length}", name);
    }
}
