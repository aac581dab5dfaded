using CritDiff.Networks;
using CritDiff.Statistics;
using MathNet.Numerics.LinearAlgebra;

namespace CritDiff.Training;

/// <summary>
/// Top eigenvalue lambda_max of the population Hessian at given parameters, by power iteration on
/// Hessian-vector products H v = (g(p + h v) - g(p - h v)) / (2h) from the exact gradient
/// (docs/science.md section 5). Exact up to rounding for one-layer networks (the loss is quadratic), O(h^2)
/// otherwise. Gradient descent is stable below eta = 2 / lambda_max. A full one-layer kernel has it in
/// closed form, used instead; networks of at most <see cref="DenseLimit"/> parameters diagonalise the whole
/// Hessian from the same differences.
/// </summary>
public static class Curvature
{
    /// <summary>
    /// lambda_max: in closed form where <see cref="ClosedForm"/> has it, else estimated by power iteration
    /// (<see cref="PowerIteration"/>).
    /// </summary>
    public static double TopEigenvalue(LinearMomentNetwork network, NetworkParameters parameters, LossMoments moments,
        ref RandomStream rng, int maxIterations = 200, double relativeTolerance = 1e-7)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(parameters);
        return ClosedForm(network, moments)
            ?? (parameters.Length <= DenseLimit ? Dense(network, parameters, moments)
                : PowerIteration(network, parameters, moments, ref rng, maxIterations, relativeTolerance));
    }

    /// <summary>
    /// Largest parameter count for which <see cref="Dense"/> replaces power iteration: its 2P gradients are then
    /// fewer than power iteration's two per iteration over the tens to 200 iterations it takes to settle.
    /// </summary>
    internal const int DenseLimit = 64;

    /// <summary>
    /// The largest |eigenvalue| (what power iteration converges to) of the whole Hessian, built column by column from
    /// the same central differences of the exact gradient, H e_j = (g(p + h e_j) - g(p - h e_j)) / (2h), symmetrised,
    /// and diagonalised. For small networks (local layers): exact where the loss is quadratic in each direction, O(h^2)
    /// otherwise, whatever the gap between the top eigenvalues.
    /// </summary>
    internal static double Dense(LinearMomentNetwork network, NetworkParameters parameters, LossMoments moments)
    {
        int n = (int)parameters.Length;
        double h = 1e-4 * Math.Max(1, parameters.Norm());
        var point = parameters.Clone();
        var gPlus = network.CreateParameters();
        var gMinus = network.CreateParameters();
        var hessian = Matrix<double>.Build.Dense(n, n);
        for (int column = 0; column < n; column++)
        {
            var (layer, index) = Locate(parameters, column);
            double original = parameters.Layers[layer][index];
            point.Layers[layer][index] = original + h;
            network.LossAndGradient(point, moments, gPlus);
            point.Layers[layer][index] = original - h;
            network.LossAndGradient(point, moments, gMinus);
            point.Layers[layer][index] = original;
            int row = 0;
            for (int j = 0; j < gPlus.Layers.Length; j++)
                for (int i = 0; i < gPlus.Layers[j].Length; i++, row++)
                    hessian[row, column] = (gPlus.Layers[j][i] - gMinus.Layers[j][i]) / (2 * h);
        }
        var symmetric = (hessian + hessian.Transpose()) / 2;
        if (!symmetric.Enumerate().All(double.IsFinite)) return 0;
        return symmetric.Evd(Symmetricity.Symmetric).EigenValues.Max(e => e.Magnitude);
    }

    private static (int Layer, int Index) Locate(NetworkParameters parameters, int flat)
    {
        int layer = 0;
        while (flat >= parameters.Layers[layer].Length) flat -= parameters.Layers[layer++].Length;
        return (layer, flat);
    }

    /// <summary>
    /// One full kernel K in the kernel basis: the loss (1/V) sum_k [A(k) |m(k)|^2 + ...] with m = sum_y K(y) exp(-i k.y)
    /// is quadratic in K, with the cosine and sine kernels of each pair (k, -k) as eigenvectors of eigenvalue
    /// A(k) + A(-k) (2 A(k) for a self-conjugate mode), whatever the parameters: lambda_max = max_k (A(k) + A(-k)),
    /// 2 S_max for population moments (docs/science.md section 5). Null for other networks.
    /// </summary>
    internal static double? ClosedForm(LinearMomentNetwork network, LossMoments moments)
    {
        if (network is not LinearConvolutionNetwork { HasOnlyFullKernels: true } || network.Architecture.Depth != 1 ||
            moments is not ModeMoments { Signal: var signal } || signal.Length != network.Lattice.SiteCount)
            return null;
        double top = 0;
        for (int k = 0; k < signal.Length; k++) top = Math.Max(top, signal[k] + signal[network.Lattice.NegatedMode(k)]);
        return top;
    }

    /// <summary>Estimates lambda_max by power iteration; the start vector comes from <paramref name="rng"/>.</summary>
    internal static double PowerIteration(LinearMomentNetwork network, NetworkParameters parameters, LossMoments moments,
        ref RandomStream rng, int maxIterations = 200, double relativeTolerance = 1e-7)
    {
        var v = network.CreateParameters();
        foreach (var layer in v.Layers) rng.FillGaussian(layer);
        Scale(v, 1 / v.Norm());
        var plus = parameters.Clone();
        var minus = parameters.Clone();
        var gPlus = network.CreateParameters();
        var gMinus = network.CreateParameters();
        double h = 1e-4 * Math.Max(1, parameters.Norm());
        double estimate = 0;
        for (int iteration = 0; iteration < maxIterations; iteration++)
        {
            for (int j = 0; j < v.Layers.Length; j++)
                for (int i = 0; i < v.Layers[j].Length; i++)
                {
                    plus.Layers[j][i] = parameters.Layers[j][i] + h * v.Layers[j][i];
                    minus.Layers[j][i] = parameters.Layers[j][i] - h * v.Layers[j][i];
                }
            network.LossAndGradient(plus, moments, gPlus);
            network.LossAndGradient(minus, moments, gMinus);
            double rayleigh = 0;
            for (int j = 0; j < v.Layers.Length; j++)
                for (int i = 0; i < v.Layers[j].Length; i++)
                {
                    double hv = (gPlus.Layers[j][i] - gMinus.Layers[j][i]) / (2 * h);
                    rayleigh += hv * v.Layers[j][i];
                    v.Layers[j][i] = hv;
                }
            double norm = v.Norm();
            if (!(norm > 0) || !double.IsFinite(norm)) return Math.Max(estimate, 0);
            Scale(v, 1 / norm);
            bool settled = iteration > 2 && Math.Abs(norm - estimate) <= relativeTolerance * norm;
            estimate = norm;
            if (settled) break;
        }
        return estimate;
    }

    private static void Scale(NetworkParameters p, double factor)
    {
        foreach (var layer in p.Layers)
            for (int i = 0; i < layer.Length; i++) layer[i] *= factor;
    }
}
