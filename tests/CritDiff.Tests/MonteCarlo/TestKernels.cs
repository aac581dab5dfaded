using CritDiff.Fields;
using CritDiff.MonteCarlo;

namespace CritDiff.Tests.MonteCarlo;

/// <summary>
/// Small, obviously correct kernels written for the measurement tests only (independent of the library's kernels):
/// sequential single-site updates, each satisfying detailed balance, with exp computed directly.
/// </summary>
internal static class TestKernels
{
    /// <summary>Ising Metropolis: flip s_x with probability min(1, exp(-2 beta s_x h_x)) (n = 1, beta = beta_unit).</summary>
    public sealed class IsingMetropolis(SpinModel model) : ModelKernel(Check(model))
    {
        private readonly int[][] _neighbours = Neighbours(model);

        public override string Name => "test-ising-metropolis";

        protected override double SweepCore(ModelChain chain)
        {
            var s = chain.Configuration;
            double beta = ((SpinModel)Model).Beta, accepted = 0;
            for (int x = 0; x < s.Length; x++)
            {
                double h = 0;
                foreach (int y in _neighbours[x]) h += s[y];
                double p = Math.Min(1, Math.Exp(-2 * beta * s[x] * h));
                accepted += p;
                if (p >= 1 || chain.Random.NextDouble() < p) s[x] = -s[x];
            }
            chain.SiteUpdates += s.Length;
            return accepted / s.Length;
        }

        private static SpinModel Check(SpinModel model) =>
            model.Components == 1 ? model : throw new ArgumentException("Ising kernel needs n = 1");
    }

    /// <summary>
    /// O(n) Metropolis with |s|^2 = n: propose s' = sqrt(n) (s + eps z) / |s + eps z| with z standard normal (the proposal
    /// density depends only on the angle between s and s', so it is symmetric), accept with min(1, exp(beta (s' - s).h)).
    /// eps is the chain's step size, tuned towards acceptance 1/2.
    /// </summary>
    public sealed class SpinMetropolis(SpinModel model) : ModelKernel(model)
    {
        private readonly int[][] _neighbours = Neighbours(model);

        public override string Name => "test-spin-metropolis";

        public override double DefaultStepSize => 0.5;

        public override double? TargetAcceptance => 0.5;

        protected override double SweepCore(ModelChain chain)
        {
            var s = chain.Configuration;
            int n = Model.Components, v = Model.Lattice.SiteCount;
            double beta = ((SpinModel)Model).Beta, eps = chain.StepSize, accepted = 0;
            var proposal = new double[n];
            var h = new double[n];
            for (int x = 0; x < v; x++)
            {
                Array.Clear(h);
                foreach (int y in _neighbours[x])
                    for (int a = 0; a < n; a++) h[a] += s[a * v + y];
                double norm = 0;
                for (int a = 0; a < n; a++)
                {
                    proposal[a] = s[a * v + x] / Math.Sqrt(n) + eps * chain.Random.NextGaussian();
                    norm += proposal[a] * proposal[a];
                }
                double scale = Math.Sqrt(n / norm), change = 0;
                for (int a = 0; a < n; a++)
                {
                    proposal[a] *= scale;
                    change += (proposal[a] - s[a * v + x]) * h[a];
                }
                double p = Math.Min(1, Math.Exp(beta * change));
                accepted += p;
                if (p >= 1 || chain.Random.NextDouble() < p)
                    for (int a = 0; a < n; a++) s[a * v + x] = proposal[a];
            }
            chain.SiteUpdates += v;
            return accepted / v;
        }
    }

    /// <summary>Gaussian-field heat bath: phi(x) &lt;- h(x)/(2d + mu2) + N(0, 1/(beta (2d + mu2))), sites in order.</summary>
    public sealed class GaussianHeatBath(GaussianField field) : ModelKernel(field)
    {
        private readonly int[][] _neighbours = Neighbours(field);

        public override string Name => "test-gaussian-heatbath";

        protected override double SweepCore(ModelChain chain)
        {
            var field = (GaussianField)Model;
            var phi = chain.Configuration;
            double diagonal = 2 * field.Lattice.Dimension + field.MassSquared;
            double sd = 1 / Math.Sqrt(field.Beta * diagonal);
            for (int x = 0; x < phi.Length; x++)
            {
                double h = 0;
                foreach (int y in _neighbours[x]) h += phi[y];
                phi[x] = h / diagonal + sd * chain.Random.NextGaussian();
            }
            chain.SiteUpdates += phi.Length;
            return 1;
        }
    }

    /// <summary>
    /// Ising Wolff with a fixed number of clusters per sweep (independent of the configuration): each cluster grows from a
    /// uniform seed, adding aligned neighbours with probability 1 - exp(-2 beta), and is flipped.
    /// </summary>
    public sealed class IsingWolff(SpinModel model, int clustersPerSweep) : ModelKernel(model)
    {
        private readonly int[][] _neighbours = Neighbours(model);

        public override string Name => "test-ising-wolff";

        protected override double SweepCore(ModelChain chain)
        {
            var s = chain.Configuration;
            double p = 1 - Math.Exp(-2 * ((SpinModel)Model).Beta);
            var stack = new Stack<int>();
            for (int c = 0; c < clustersPerSweep; c++)
            {
                int seed = (int)(chain.Random.NextDouble() * s.Length);
                double old = s[seed];
                s[seed] = -old;
                stack.Push(seed);
                while (stack.Count > 0)
                {
                    int x = stack.Pop();
                    chain.SiteUpdates++;
                    foreach (int y in _neighbours[x])
                        if (s[y] == old && chain.Random.NextDouble() < p)
                        {
                            s[y] = -old;
                            stack.Push(y);
                        }
                }
            }
            return 1;
        }
    }

    /// <summary>A kernel that never moves and reports acceptance 0 (for the validity flag).</summary>
    public sealed class Frozen(LatticeModel model) : ModelKernel(model)
    {
        public override string Name => "test-frozen";

        protected override double SweepCore(ModelChain chain) => 0;
    }

    /// <summary>The 2d neighbours of every site (a site appears twice when L = 2).</summary>
    public static int[][] Neighbours(LatticeModel model)
    {
        var lattice = model.Lattice;
        var result = new int[lattice.SiteCount][];
        for (int x = 0; x < lattice.SiteCount; x++)
        {
            var list = new List<int>();
            for (int mu = 0; mu < lattice.Dimension; mu++)
            {
                list.Add(lattice.Neighbour(x, mu, +1));
                list.Add(lattice.Neighbour(x, mu, -1));
            }
            result[x] = list.ToArray();
        }
        return result;
    }
}
