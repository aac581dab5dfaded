using System.Numerics;
using CritDiff.Lattices;
using CritDiff.Statistics;

namespace CritDiff.Tests.Lattices;

public class FourierTransformTests
{
    public static TheoryData<int, int> Shapes => new()
    {
        { 1, 7 }, { 1, 8 }, { 2, 5 }, { 2, 6 }, { 3, 3 }, { 3, 4 }, { 4, 3 }, { 4, 2 },
        { 1, 2 }, { 1, 16 }, { 1, 64 }, { 2, 16 }, { 2, 32 }, { 3, 8 },
        // generic odd radix (7, 11), mixed radix (12, 30), Bluestein (53, 106 = 2 x 53) and odd row counts
        { 1, 53 }, { 1, 106 }, { 2, 7 }, { 2, 11 }, { 2, 12 }, { 2, 53 }, { 3, 5 }, { 3, 6 }, { 3, 7 }, { 4, 4 }, { 4, 5 },
        { 2, 30 }, { 1, 97 }, { 2, 45 }, { 2, 48 }, { 3, 15 },
    };

    /// <summary>phi~(k) = V^{-1/2} sum_x exp(-+ i k.x) phi(x) by direct summation, O(V^2).</summary>
    private static Complex[] NaiveDft(Lattice lattice, Complex[] field, int sign)
    {
        int v = lattice.SiteCount, d = lattice.Dimension;
        var result = new Complex[v];
        var x = new int[d];
        var n = new int[d];
        for (int k = 0; k < v; k++)
        {
            lattice.Coordinates(k, n);
            Complex sum = 0;
            for (int s = 0; s < v; s++)
            {
                lattice.Coordinates(s, x);
                double phase = 0;
                for (int mu = 0; mu < d; mu++) phase += 2 * Math.PI * n[mu] * x[mu] / lattice.Length;
                sum += field[s] * Complex.FromPolarCoordinates(1, sign * phase);
            }
            result[k] = sum / Math.Sqrt(v);
        }
        return result;
    }

    private static Complex[] RandomField(int v, ulong seed)
    {
        var rng = new RandomStream(seed, 0);
        var field = new Complex[v];
        for (int i = 0; i < v; i++)
        {
            var (a, b) = rng.NextGaussianPair();
            field[i] = new Complex(a, b);
        }
        return field;
    }

    private static double RelativeDistance(Complex[] a, Complex[] b)
    {
        double diff = 0, norm = 0;
        for (int i = 0; i < a.Length; i++)
        {
            diff += (a[i] - b[i]).Magnitude * (a[i] - b[i]).Magnitude;
            norm += b[i].Magnitude * b[i].Magnitude;
        }
        return Math.Sqrt(diff / norm);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void ForwardAndInverseMatchNaiveDft(int d, int l)
    {
        var lattice = new Lattice(d, l);
        var fourier = new FourierTransform(lattice);
        var field = RandomField(lattice.SiteCount, 11);

        var forward = (Complex[])field.Clone();
        fourier.Forward(forward);
        Assert.True(RelativeDistance(forward, NaiveDft(lattice, field, -1)) < Tolerances.Fourier);

        var inverse = (Complex[])field.Clone();
        fourier.Inverse(inverse);
        Assert.True(RelativeDistance(inverse, NaiveDft(lattice, field, +1)) < Tolerances.Fourier);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void RealFieldHasHermitianSpectrumAndRoundTrips(int d, int l)
    {
        var lattice = new Lattice(d, l);
        var fourier = new FourierTransform(lattice);
        var field = RandomField(lattice.SiteCount, 5).Select(c => c.Real).ToArray();
        var spectrum = new Complex[lattice.SiteCount];
        fourier.ForwardReal(field, spectrum);
        double norm = field.Sum(x => x * x), spectralNorm = spectrum.Sum(c => c.Magnitude * c.Magnitude);
        Assert.Equal(norm, spectralNorm, norm * Tolerances.Fourier); // Parseval: the transform is unitary
        for (int k = 0; k < lattice.SiteCount; k++)
            Assert.True((spectrum[k] - Complex.Conjugate(spectrum[lattice.NegatedMode(k)])).Magnitude < 1e-12 * Math.Sqrt(norm));
        var back = new double[lattice.SiteCount];
        fourier.InverseReal(spectrum, back, new Complex[lattice.SiteCount]);
        for (int i = 0; i < back.Length; i++) Assert.Equal(field[i], back[i], 1e-12);
    }

    [Fact]
    public void BatchMatchesSingleTransforms()
    {
        var lattice = new Lattice(2, 6);
        var fourier = new FourierTransform(lattice);
        int v = lattice.SiteCount;
        var fields = RandomField(3 * v, 2).Select(c => c.Imaginary).ToArray();
        var batch = fourier.ForwardRealBatch(fields, 3);
        var single = new Complex[v];
        for (int s = 0; s < 3; s++)
        {
            fourier.ForwardReal(fields.AsSpan(s * v, v), single);
            for (int k = 0; k < v; k++) Assert.Equal(single[k], batch[s * v + k]);
        }
    }

    [Fact]
    public void EvenMultiplierActsOnTwoRealFieldsAsConvolution()
    {
        // m(k) = khat2(k) is even; its action in real space is minus the lattice Laplacian.
        var lattice = new Lattice(2, 5);
        var fourier = new FourierTransform(lattice);
        int v = lattice.SiteCount;
        var a = RandomField(v, 3).Select(c => c.Real).ToArray();
        var b = RandomField(v, 4).Select(c => c.Real).ToArray();
        var aOut = new double[v];
        var bOut = new double[v];
        fourier.ApplyEvenMultiplier(lattice.KHat2Table(), a, aOut, b, bOut, new Complex[v]);
        for (int x = 0; x < v; x++)
        {
            double la = 4 * a[x], lb = 4 * b[x];
            for (int mu = 0; mu < 2; mu++)
            {
                la -= a[lattice.Neighbour(x, mu, 1)] + a[lattice.Neighbour(x, mu, -1)];
                lb -= b[lattice.Neighbour(x, mu, 1)] + b[lattice.Neighbour(x, mu, -1)];
            }
            Assert.Equal(la, aOut[x], 1e-12);
            Assert.Equal(lb, bOut[x], 1e-12);
        }
    }

    [Theory]
    [InlineData(1, 9)]
    [InlineData(2, 7)]
    [InlineData(3, 6)]
    [InlineData(2, 53)]
    public void InverseRealIsTheRealPartOfTheComplexInverseForAnySpectrum(int d, int l)
    {
        // A spectrum that is not Hermitian: the real output must still be Re IDFT[X], as before the real path.
        var lattice = new Lattice(d, l);
        var fourier = new FourierTransform(lattice);
        var spectrum = RandomField(lattice.SiteCount, 21);
        var complex = (Complex[])spectrum.Clone();
        fourier.Inverse(complex);
        var real = new double[lattice.SiteCount];
        fourier.InverseReal(spectrum, real, new Complex[lattice.SiteCount]);
        for (int i = 0; i < real.Length; i++) Assert.Equal(complex[i].Real, real[i], 1e-12);
    }

    [Theory]
    [InlineData(2, 16)]
    [InlineData(3, 5)]
    [InlineData(2, 53)]
    public void RealForwardAgreesWithComplexForward(int d, int l)
    {
        var lattice = new Lattice(d, l);
        var fourier = new FourierTransform(lattice);
        var field = RandomField(lattice.SiteCount, 9).Select(c => c.Real).ToArray();
        var spectrum = new Complex[lattice.SiteCount];
        fourier.ForwardReal(field, spectrum);
        var complex = field.Select(x => new Complex(x, 0)).ToArray();
        fourier.Forward(complex);
        Assert.True(RelativeDistance(spectrum, complex) < Tolerances.Fourier);
    }

    [Theory]
    [InlineData(1, 8)]
    [InlineData(1, 9)]
    [InlineData(2, 16)]
    [InlineData(2, 7)]
    [InlineData(3, 6)]
    [InlineData(3, 5)]
    [InlineData(2, 53)]
    public void HalfSpectrumTransformsAgreeWithTheFullOnes(int d, int l)
    {
        // ForwardRealHalf: the same bits as ForwardReal on the modes with k_last <= L/2. InverseRealHalf of that half
        // (a Hermitian spectrum) gives the real field back, as InverseReal of the full spectrum does.
        var lattice = new Lattice(d, l);
        var fourier = new FourierTransform(lattice);
        int v = lattice.SiteCount, half = l / 2 + 1;
        var field = RandomField(v, 13).Select(c => c.Real).ToArray();
        var full = new Complex[v];
        fourier.ForwardReal(field, full);
        var halfSpectrum = new Complex[v];
        fourier.ForwardRealHalf(field, halfSpectrum);
        for (int row = 0; row < v; row += l)
            for (int c = 0; c < half; c++)
                Assert.Equal(full[row + c], halfSpectrum[row + c]);
        for (int row = 0; row < v; row += l)
            for (int c = half; c < l; c++)
                halfSpectrum[row + c] = new Complex(double.NaN, double.NaN); // never read
        var back = new double[v];
        fourier.InverseRealHalf(halfSpectrum, back);
        var reference = new double[v];
        fourier.InverseReal(full, reference, new Complex[v]);
        for (int i = 0; i < v; i++)
        {
            Assert.Equal(reference[i], back[i], 1e-12);
            Assert.Equal(field[i], back[i], 1e-12);
        }
    }

    [Fact]
    public async Task BatchBitsDoNotDependOnThreadCount()
    {
        var lattice = new Lattice(3, 6);
        var fourier = new FourierTransform(lattice);
        int v = lattice.SiteCount, count = 24;
        var fields = RandomField(count * v, 31).Select(c => c.Real).ToArray();
        var parallel = fourier.ForwardRealBatch(fields, count);
        // One thread: the same transforms in sequence.
        var single = new Complex[count * v];
        for (int s = 0; s < count; s++) fourier.ForwardReal(fields.AsSpan(s * v, v), single.AsSpan(s * v, v));
        Assert.Equal(single, parallel);
        var again = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => fourier.ForwardRealBatch(fields, count))));
        foreach (var r in again) Assert.Equal(single, r);
    }

    [Theory]
    [InlineData(1, 53)]
    [InlineData(2, 16)]
    [InlineData(3, 6)]
    [InlineData(2, 7)]
    public void WarmCallsDoNotAllocate(int d, int l)
    {
        var lattice = new Lattice(d, l);
        var fourier = new FourierTransform(lattice);
        int v = lattice.SiteCount;
        var field = RandomField(v, 1).Select(c => c.Real).ToArray();
        var spectrum = new Complex[v];
        var scratch = new Complex[v];
        var back = new double[v];
        void All()
        {
            fourier.ForwardReal(field, spectrum);
            fourier.InverseReal(spectrum, back, scratch);
            fourier.Forward(spectrum);
            fourier.Inverse(spectrum);
        }
        All();
        long before = GC.GetAllocatedBytesForCurrentThread();
        All();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
