using System.Numerics;
using CritDiff.Lattices;
using MathNet.Numerics.LinearAlgebra;

namespace CritDiff.Networks;

/// <summary>
/// A dense linear score s = W x, W any V x V matrix (V^2 parameters, stored row-major; tiny lattices).
/// Loss l = (1/V) [ tr(W A W^T) + 2 tr(W X) ] + N, gradient (2/V) (W A + X^T); population moments are
/// A = the real-space noised covariance (circulant, from S(k)), X = I; optimum W* = -A^{-1}.
/// </summary>
public sealed class DenseNetwork : LinearMomentNetwork
{
    private readonly int[] _lengths;
    private double[]? _cachedSpectrum;
    private MatrixMoments? _cachedMoments;

    internal DenseNetwork(Lattice lattice, Architecture architecture) : base(lattice, architecture, ParameterBasis.Kernel)
    {
        _lengths = [lattice.SiteCount * lattice.SiteCount];
    }

    /// <inheritdoc />
    public override IReadOnlyList<int> LayerLengths => _lengths;

    /// <summary>W as a matrix (a copy).</summary>
    public Matrix<double> Matrix(NetworkParameters parameters)
    {
        CheckLayout(parameters, nameof(parameters));
        int v = Lattice.SiteCount;
        return Matrix<double>.Build.DenseOfRowMajor(v, v, parameters.Layers[0]);
    }

    /// <summary>The real-space covariance A(x, y) = (1/V) sum_k S(k) cos(k.(x - y)) of a diagonal spectrum.</summary>
    public Matrix<double> CirculantCovariance(ReadOnlySpan<double> spectrum)
    {
        int v = Lattice.SiteCount;
        var column = new Complex[v];
        for (int k = 0; k < v; k++) column[k] = spectrum[k];
        new FourierTransform(Lattice).Inverse(column); // V^{-1/2} sum_k S e^{ikr}
        double scale = 1 / Math.Sqrt(v);
        var coordinates = new int[Lattice.Dimension];
        var other = new int[Lattice.Dimension];
        var difference = new int[Lattice.Dimension];
        return Matrix<double>.Build.Dense(v, v, (x, y) =>
        {
            Lattice.Coordinates(x, coordinates);
            Lattice.Coordinates(y, other);
            for (int mu = 0; mu < difference.Length; mu++) difference[mu] = coordinates[mu] - other[mu];
            return scale * column[Lattice.Index(difference)].Real;
        });
    }

    /// <inheritdoc />
    public override double Loss(NetworkParameters parameters, LossMoments moments)
    {
        var w = Matrix(parameters);
        var m = ToMatrixMoments(moments);
        return (w.Multiply(m.Signal).TransposeAndMultiply(w).Trace() + 2 * w.Multiply(m.Cross).Trace()) / Lattice.SiteCount
            + m.NoiseTerm;
    }

    /// <inheritdoc />
    public override double LossAndGradient(NetworkParameters parameters, LossMoments moments, NetworkParameters gradient)
    {
        CheckLayout(gradient, nameof(gradient));
        var w = Matrix(parameters);
        var m = ToMatrixMoments(moments);
        int v = Lattice.SiteCount;
        var wa = w.Multiply(m.Signal);
        double loss = (wa.TransposeAndMultiply(w).Trace() + 2 * w.Multiply(m.Cross).Trace()) / v + m.NoiseTerm;
        var g = (wa + m.Cross.Transpose()).Multiply(2.0 / v);
        var target = gradient.Layers[0];
        for (int x = 0; x < v; x++)
            for (int y = 0; y < v; y++) target[x * v + y] = g[x, y];
        return loss;
    }

    /// <inheritdoc />
    public override double ScoreError(NetworkParameters parameters, double[] noisedSpectrum)
    {
        // (1/V) tr((W - W*) A (W - W*)^T) = (1/V) [tr(W A W^T) + 2 tr W + sum_k 1/S(k)], W* = -A^{-1}.
        var w = Matrix(parameters);
        var a = Population(noisedSpectrum).Signal;
        double inverseTrace = noisedSpectrum.Sum(s => 1 / s);
        return (w.Multiply(a).TransposeAndMultiply(w).Trace() + 2 * w.Trace() + inverseTrace) / Lattice.SiteCount;
    }

    /// <inheritdoc />
    public override void InitializeBalanced(NetworkParameters parameters, double scale)
    {
        CheckLayout(parameters, nameof(parameters));
        if (!(scale >= 0) || double.IsInfinity(scale))
            throw new ArgumentOutOfRangeException(nameof(scale), scale, "initial scale must be >= 0 and finite");
        int v = Lattice.SiteCount;
        Array.Clear(parameters.Layers[0]);
        for (int x = 0; x < v; x++) parameters.Layers[0][x * v + x] = -scale;
    }

    /// <inheritdoc />
    public override void Apply(NetworkParameters parameters, ReadOnlySpan<double> field, Span<double> score)
    {
        CheckLayout(parameters, nameof(parameters));
        int v = Lattice.SiteCount;
        var w = parameters.Layers[0];
        for (int x = 0; x < v; x++)
        {
            double sum = 0;
            for (int y = 0; y < v; y++) sum += w[x * v + y] * field[y];
            score[x] = sum;
        }
    }

    /// <summary>
    /// The parameter vector-Jacobian product of <see cref="Apply"/> summed over <paramref name="count"/> fields:
    /// dF/dW(x, y) = sum_b u_b(x) x_b(y) for F = sum_b u_b . (W x_b).
    /// </summary>
    internal void ParameterGradient(ReadOnlySpan<double> fields, ReadOnlySpan<double> upstream, int count, NetworkParameters gradient)
    {
        int v = Lattice.SiteCount;
        var g = gradient.Layers[0];
        Array.Clear(g);
        for (int b = 0; b < count; b++)
        {
            var field = fields.Slice(b * v, v);
            var u = upstream.Slice(b * v, v);
            for (int x = 0; x < v; x++)
            {
                double ux = u[x];
                var row = g.AsSpan(x * v, v);
                for (int y = 0; y < v; y++) row[y] += ux * field[y];
            }
        }
    }

    private MatrixMoments ToMatrixMoments(LossMoments moments) => moments switch
    {
        MatrixMoments m => m,
        ModeMoments { IsPopulation: true } m => Population(m.Signal) with { NoiseTermValue = m.NoiseTerm },
        _ => throw new ArgumentException(
            "a dense network needs real-space moments (per-mode moments are exact only in population)", nameof(moments)),
    };

    private MatrixMoments Population(double[] noisedSpectrum)
    {
        if (!ReferenceEquals(noisedSpectrum, _cachedSpectrum) || _cachedMoments is null)
        {
            int v = Lattice.SiteCount;
            _cachedMoments = new MatrixMoments(CirculantCovariance(noisedSpectrum),
                Matrix<double>.Build.DenseIdentity(v), 0);
            _cachedSpectrum = noisedSpectrum;
        }
        return _cachedMoments;
    }
}
