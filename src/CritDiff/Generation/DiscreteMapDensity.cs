using CritDiff.Statistics;

namespace CritDiff.Generation;

/// <summary>
/// The exact log-density of the discrete probability-flow map (docs/science.md section 11), asked for as the log-density
/// method <c>discrete</c>: Heun's step y_{k-1} = Phi_k(y_k) = y + (h/2)[F(y, t) + F(y + h F(y, t), t - h)] is a bijection for
/// small steps, so log q(y_0) = log N(y_K; 0, b(T)^2 I) - sum_k log |det D Phi_k(y_k)|, with
/// D Phi = I + (h/2)[J(y) + J(y')(I + h J(y))], J = -f I + (g^2/2) ds/dx and y' = y + h F(y, t). Each step builds the
/// n V x n V matrix column by column from 2 n V Jacobian-vector products of the score (n V at y, n V at y') and takes
/// log |det| from an LU factorisation with partial pivoting (<see cref="LogAbsDeterminant"/>, (n V)^3 / 3 multiply-adds),
/// so the weights exp(-S - log q) are exact for any number of steps K, unlike the trapezoid rule of the trace (its
/// O(h^2) approximation, a bias that more samples do not remove). Cost per sample and step: 2 n V Jacobian-vector
/// products (each about two forward passes) against 2 score evaluations for the samples alone, and 8 (n V)^2 bytes of
/// scratch per sample of a chunk: hence <see cref="MaxWidth"/>.
/// </summary>
public sealed record DiscreteMapDensity : TraceEstimator
{
    /// <summary>
    /// The largest n V for which <c>generate --reweight --sampler ode-heun</c> uses this method by default (above it the
    /// trapezoid's exact trace with the K -> 2K check): 256 (L = 16 in 2D). Measured (conv:4:1, K = 16, one thread,
    /// Release): per sample 1.7 ms against 0.17 ms without log q at n V = 16 (10x), 24 ms against 0.62 ms at 64 (39x),
    /// 230 ms against 1.5 ms at 256 (150x); the (n V)^3 LU and the 2 n V products per step make n V = 1024 about 10 s a sample.
    /// </summary>
    public const int MaxWidth = 256;

    /// <summary>
    /// The largest n V <c>generate --log-density discrete</c> accepts at all: 1024 (a dense Jacobian per sample of a chunk,
    /// 16 x 8 (n V)^2 bytes = 134 MB per thread, and about 10 s a sample at K = 16).
    /// </summary>
    public const int HardMaxWidth = 1024;

    /// <summary>The single instance.</summary>
    public static DiscreteMapDensity Instance { get; } = new();

    private DiscreteMapDensity()
    {
    }

    /// <inheritdoc />
    public override string Name => "discrete";

    internal override void Check(TimeScore score)
    {
        if (!score.HasJacobianVectorProduct)
            throw new NotSupportedException($"log-density discrete needs Jacobian-vector products, which this score ({score.GetType().Name}) does not offer: use exact");
    }

    /// <summary>The exact trace (the discrete map's Heun step does not use it; a trace asked of this method is the exact one).</summary>
    internal override void Estimate(TimeScore score, double t, ReadOnlySpan<double> x, int count, Span<double> trace, Span<double> variance,
        RandomStream[] streams, double[] tangent, double[] product) => Exact.Estimate(score, t, x, count, trace, variance, streams, tangent, product);

    /// <summary>
    /// log |det A| of the n x n matrix <paramref name="matrix"/> (row-major, overwritten by its LU factors) by Gaussian
    /// elimination with partial pivoting: the sum of log |U_ii|; -infinity for a singular matrix.
    /// </summary>
    public static double LogAbsDeterminant(Span<double> matrix, int n)
    {
        if (n < 1 || matrix.Length < (long)n * n) throw new ArgumentException($"expected {n} x {n} values, got {matrix.Length}", nameof(matrix));
        double sum = 0;
        for (int k = 0; k < n; k++)
        {
            int pivot = k;
            double largest = Math.Abs(matrix[k * n + k]);
            for (int r = k + 1; r < n; r++)
            {
                double value = Math.Abs(matrix[r * n + k]);
                if (value > largest)
                {
                    largest = value;
                    pivot = r;
                }
            }
            if (largest == 0) return double.NegativeInfinity;
            if (pivot != k)
            {
                var rowK = matrix.Slice(k * n, n);
                var rowP = matrix.Slice(pivot * n, n);
                for (int c = 0; c < n; c++) (rowK[c], rowP[c]) = (rowP[c], rowK[c]);
            }
            double diagonal = matrix[k * n + k];
            sum += Math.Log(Math.Abs(diagonal));
            var top = matrix.Slice(k * n + k + 1, n - k - 1);
            for (int r = k + 1; r < n; r++)
            {
                double factor = matrix[r * n + k] / diagonal;
                if (factor == 0) continue;
                var row = matrix.Slice(r * n + k + 1, n - k - 1);
                System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(top, -factor, row, row);
            }
        }
        return sum;
    }
}
