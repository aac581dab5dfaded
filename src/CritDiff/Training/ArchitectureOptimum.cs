using System.Numerics;
using CritDiff.Lattices;
using CritDiff.Networks;
using MathNet.Numerics.LinearAlgebra;
using Vector = MathNet.Numerics.LinearAlgebra.Vector<double>;

namespace CritDiff.Training;

/// <summary>
/// The best population loss an architecture can reach at one time slice, where it has a closed form
/// (docs/science.md section 5): full-range products and the dense matrix reach the exact score -1/S
/// (dense: -A^{-1}); a single local layer reaches the restricted least-squares kernel
/// Gamma_W K = -e_0, Gamma_W the noised real-space covariance on the window. Other architectures
/// (several local layers, mixed lists) have none: their optimum is the bottom of the basin a run descends into (see SliceTrainer).
/// </summary>
public static class ArchitectureOptimum
{
    /// <summary>The optimum loss, or null where there is no closed form.</summary>
    public static double? Loss(Lattice lattice, Architecture architecture, double[] noisedSpectrum, double noiseVariance)
    {
        ArgumentNullException.ThrowIfNull(architecture);
        if (architecture.RepresentsExactScore) return LinearMomentNetwork.ExactOptimumLoss(noisedSpectrum, noiseVariance);
        if (architecture.Depth == 1 && architecture.Layers[0] is ConvolutionLayer local)
        {
            var kernel = LocalKernel(lattice, local, noisedSpectrum);
            return kernel[0] + 1 / noiseVariance; // l = K Gamma K + 2 K(0) + 1/b^2 and Gamma K = -e_0
        }
        return null;
    }

    /// <summary>
    /// The optimal kernel of one local layer, at its support offsets (offset 0 first): the solution of
    /// Gamma_W K = -e_0 with Gamma(r) = (1/V) sum_k S(k) cos(k.r).
    /// </summary>
    public static double[] LocalKernel(Lattice lattice, ConvolutionLayer layer, double[] noisedSpectrum)
    {
        ArgumentNullException.ThrowIfNull(lattice);
        ArgumentNullException.ThrowIfNull(layer);
        var offsets = layer.SupportOffsets(lattice);
        var gamma = Autocovariance(lattice, noisedSpectrum);
        int n = offsets.Length, d = lattice.Dimension;
        var yi = new int[d];
        var yj = new int[d];
        var matrix = Matrix<double>.Build.Dense(n, n, (i, j) =>
        {
            lattice.Coordinates(offsets[i], yi);
            lattice.Coordinates(offsets[j], yj);
            for (int mu = 0; mu < d; mu++) yi[mu] -= yj[mu];
            return gamma[lattice.Index(yi)];
        });
        var rhs = Vector.Build.Dense(n);
        rhs[0] = -1;
        return matrix.Cholesky().Solve(rhs).ToArray();
    }

    /// <summary>Gamma(r) = (1/V) sum_k S(k) exp(i k.r) for every site r (real for an even spectrum).</summary>
    public static double[] Autocovariance(Lattice lattice, ReadOnlySpan<double> spectrum)
    {
        int v = lattice.SiteCount;
        var column = new Complex[v];
        for (int k = 0; k < v; k++) column[k] = spectrum[k];
        new FourierTransform(lattice).Inverse(column);
        double scale = 1 / Math.Sqrt(v);
        return column.Select(c => scale * c.Real).ToArray();
    }
}
