using CritDiff.Fields;

namespace CritDiff.MonteCarlo;

/// <summary>
/// Single-site Metropolis for unconstrained n-component fields in hopping form (<see cref="Phi4Model"/>,
/// <see cref="GaussianField"/>): S = -c sum_&lt;xy&gt; phi_x . phi_y + sum_x [a |phi_x|^2 + lambda (|phi_x|^2 - 1)^2].
/// Sites in index order; phi'_x = phi_x + delta U, U uniform in [-1, 1)^n (delta the chain's step size, tuned to
/// the target acceptance, default 0.5), accepted with probability min(1, exp(-Delta S)),
/// Delta S = -c (phi'_x - phi_x) . h_x + a (q' - q) + lambda ((q' - 1)^2 - (q - 1)^2), q = |phi_x|^2, h the neighbour sum.
/// One sweep = V proposals.
/// </summary>
public sealed class FieldMetropolis : ModelKernel
{
    private readonly HoppingAction _action;
    private readonly NeighbourTable _neighbours;

    /// <summary>Metropolis for a phi^4 or Gaussian <paramref name="model"/> with target acceptance in (0, 1).</summary>
    public FieldMetropolis(LatticeModel model, double targetAcceptance = 0.5) : base(model)
    {
        if (!(targetAcceptance is > 0 and < 1))
            throw new ArgumentOutOfRangeException(nameof(targetAcceptance), targetAcceptance, "target acceptance must be in (0, 1)");
        _action = HoppingAction.Of(model);
        _neighbours = new NeighbourTable(model.Lattice);
        TargetAcceptance = targetAcceptance;
    }

    /// <inheritdoc/>
    public override string Name => "metropolis";

    /// <summary>Twice the conditional standard deviation 1/sqrt(2a) of the quadratic part.</summary>
    public override double DefaultStepSize => 2 / Math.Sqrt(2 * _action.Quadratic);

    /// <inheritdoc/>
    public override double? TargetAcceptance { get; }

    /// <inheritdoc/>
    protected override double SweepCore(ModelChain chain) => Update(chain);

    /// <summary>One sweep without counting it (also the magnitude update of <see cref="Phi4Wolff"/>); counts V site updates.</summary>
    internal double Update(ModelChain chain)
    {
        int n = _action.Components, v = _action.Lattice.SiteCount;
        var phi = chain.Configuration;
        Span<double> h = chain.Scratch(3).AsSpan(0, n), proposal = chain.Scratch(4).AsSpan(0, n);
        ref var random = ref chain.Random;
        double delta = chain.StepSize, hopping = _action.Hopping, sum = 0;
        for (int x = 0; x < v; x++)
        {
            SpinSites.NeighbourField(phi, v, _neighbours, x, h);
            double q = 0, q1 = 0, bond = 0;
            for (int a = 0, i = x; a < n; a++, i += v)
            {
                double old = phi[i], next = old + delta * (2 * random.NextDouble() - 1);
                proposal[a] = next;
                q += old * old;
                q1 += next * next;
                bond += (next - old) * h[a];
            }
            double deltaS = _action.Potential(q1) - _action.Potential(q) - hopping * bond;
            double probability = deltaS <= 0 ? 1 : Math.Exp(-deltaS);
            sum += probability;
            if (deltaS <= 0 || random.NextDouble() < probability) SpinSites.Store(phi, v, x, proposal);
        }
        chain.SiteUpdates += v;
        return sum / v;
    }
}
