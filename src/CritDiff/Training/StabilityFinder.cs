using CritDiff.Networks;
using CritDiff.Statistics;

namespace CritDiff.Training;

/// <summary>How the largest stable learning rate is searched for.</summary>
public sealed record StabilitySettings
{
    /// <summary>Steps each probe runs (the fixed step budget within which a run must not blow up; default 200).</summary>
    public int Budget { get; init; } = 200;

    /// <summary>Bisection stops when unstable/stable - 1 is at most this (default 0.01).</summary>
    public double Tolerance { get; init; } = 0.01;

    /// <summary>Independent seeds the rate is judged over (default 3; one where the run is deterministic).</summary>
    public int Seeds { get; init; } = 3;

    /// <summary>Checks ranges; throws <see cref="ArgumentOutOfRangeException"/> naming the setting.</summary>
    public void Validate()
    {
        if (Budget < 1) throw new ArgumentOutOfRangeException(nameof(Budget), Budget, "budget must be >= 1 step");
        if (!(Tolerance > 0 && Tolerance <= 1)) throw new ArgumentOutOfRangeException(nameof(Tolerance), Tolerance, "tolerance must be in (0, 1]");
        if (Seeds < 1) throw new ArgumentOutOfRangeException(nameof(Seeds), Seeds, "seeds must be >= 1");
    }
}

/// <summary>One seed's bracket: the largest rate seen stable and the smallest seen unstable.</summary>
/// <param name="SeedIndex">Seed index (the config seed of <see cref="StabilityFinder.SeedConfig"/>).</param>
/// <param name="Stable">Largest probed rate that stayed stable (0 when none did).</param>
/// <param name="Unstable">Smallest probed rate that blew up (+inf when none did).</param>
/// <param name="Probes">Training runs used.</param>
public sealed record SeedBoundary(int SeedIndex, double Stable, double Unstable, int Probes);

/// <summary>The largest stable learning rate, judged over seeds.</summary>
public sealed record StabilityResult(IReadOnlyList<SeedBoundary> Seeds)
{
    /// <summary>The stable rate: the mean over seeds of each seed's largest stable rate.</summary>
    public double StableRate => Seeds.Average(s => s.Stable);

    /// <summary>Its error: the standard error over seeds and the bracket half-width, in quadrature.</summary>
    public double StableRateError
    {
        get
        {
            double halfWidth = Seeds.Average(s => (s.Unstable - s.Stable) / 2);
            double se = Seeds.Count > 1 ? Stats.FromSamples(Seeds.Select(s => s.Stable).ToArray()).Error : 0;
            return Math.Sqrt(se * se + halfWidth * halfWidth);
        }
    }

    /// <summary>The largest rate found stable for every seed (the minimum over seeds).</summary>
    public double SafeRate => Seeds.Min(s => s.Stable);

    /// <summary>True when a stable and an unstable rate were both found for every seed.</summary>
    public bool Bracketed => Seeds.All(s => s.Stable > 0 && double.IsFinite(s.Unstable));

    /// <summary>Training runs used over all seeds.</summary>
    public int Probes => Seeds.Sum(s => s.Probes);
}

/// <summary>
/// Finds the largest stable learning rate of one time slice (issue 7, docs/science.md section 6). A run at a
/// fixed rate is unstable when, within <see cref="StabilitySettings.Budget"/> steps from the configured
/// start, its population loss becomes non-finite or exceeds its initial value. Per seed, the rate is
/// bracketed by doubling or halving from a guess (half the curvature limit 2/lambda_max; Adam 0.01),
/// then bisected geometrically until unstable/stable - 1 &lt;= tolerance; four rates 5% apart below the
/// result are then checked, and the search repeated below any that blows up. Population GD from a
/// deterministic start needs one seed. The same seed sees the same minibatches at every rate.
/// For population GD of a one-layer full network (m &lt;- m - 2 eta (S m + 1)) the boundary is 1/S_max.
/// </summary>
public static class StabilityFinder
{
    private const int MaxBracketSteps = 60;

    /// <summary>Ratio between the rates probed below a found boundary to check it.</summary>
    private const double VerificationStep = 0.95;

    /// <summary>The config of seed index <paramref name="seedIndex"/> (seed + index x golden ratio, as in sweeps).</summary>
    public static TrainingConfig SeedConfig(TrainingConfig config, int seedIndex)
    {
        ArgumentNullException.ThrowIfNull(config);
        return config with { Seed = config.Seed + (ulong)seedIndex * 0x9E3779B97F4A7C15UL };
    }

    /// <summary>True when the run of <paramref name="config"/> at <paramref name="rate"/> stays stable for <paramref name="budget"/> steps.</summary>
    public static bool IsStable(TrainingProblem problem, TrainingConfig config, double rate, int budget, int sliceIndex = 0,
        CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(problem);
        ArgumentNullException.ThrowIfNull(config);
        if (!(rate > 0 && double.IsFinite(rate))) throw new ArgumentOutOfRangeException(nameof(rate), rate, "rate must be > 0");
        var setup = Setup.Create(problem, config, sliceIndex);
        return setup.Probe(rate, budget, cancellation);
    }

    /// <summary>Brackets and bisects the stable rate for each seed.</summary>
    public static StabilityResult Find(TrainingProblem problem, TrainingConfig config, StabilitySettings settings,
        int sliceIndex = 0, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(problem);
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        int seeds = IsDeterministic(config) ? 1 : settings.Seeds;
        var boundaries = new SeedBoundary[seeds];
        for (int s = 0; s < seeds; s++) boundaries[s] = FindForSeed(problem, SeedConfig(config, s), settings, sliceIndex, s, cancellation);
        return new StabilityResult(boundaries);
    }

    /// <summary>Population training from a non-random start does not depend on the seed.</summary>
    public static bool IsDeterministic(TrainingConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return config.Mode == TrainingMode.Population && !config.Start.IsRandom;
    }

    /// <summary>One seed's bracket (exposed for parallel callers that spread seeds over threads).</summary>
    public static SeedBoundary FindForSeed(TrainingProblem problem, TrainingConfig seedConfig, StabilitySettings settings,
        int sliceIndex, int seedIndex, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var setup = Setup.Create(problem, seedConfig, sliceIndex);
        double guess = seedConfig.Optimizer.UsesCurvatureRate ? 1 / setup.TopCurvature : Adam.AutoLearningRate;
        return Search(rate => setup.Probe(rate, settings.Budget, cancellation), guess, settings, seedIndex);
    }

    /// <summary>
    /// One seed's bracket for any stability test <paramref name="isStable"/> (a probe run at a fixed rate): bracketing by
    /// doubling or halving from <paramref name="guess"/>, geometric bisection to the tolerance, and the re-check of four
    /// rates below the boundary described above. <see cref="FindForSeed"/> is this search with the population-loss probe.
    /// </summary>
    public static SeedBoundary Search(Func<double, bool> isStable, double guess, StabilitySettings settings, int seedIndex)
    {
        ArgumentNullException.ThrowIfNull(isStable);
        ArgumentNullException.ThrowIfNull(settings);
        if (!(guess > 0 && double.IsFinite(guess))) throw new ArgumentOutOfRangeException(nameof(guess), guess, "guess must be > 0");
        double stable = 0, unstable = double.PositiveInfinity;
        int probes = 0;
        bool Test(double rate)
        {
            probes++;
            return isStable(rate);
        }
        if (Test(guess))
        {
            stable = guess;
            for (int i = 0; i < MaxBracketSteps && double.IsPositiveInfinity(unstable); i++)
            {
                double next = stable * 2;
                if (Test(next)) stable = next;
                else unstable = next;
            }
        }
        else
        {
            unstable = guess;
            for (int i = 0; i < MaxBracketSteps && stable == 0; i++)
            {
                double next = unstable / 2;
                if (Test(next)) stable = next;
                else unstable = next;
            }
        }
        Bisect();
        // The criterion need not be monotone in the rate: for two-layer GD the per-mode map
        // p <- p + 4 eta p (1 - p) is chaotic for eta between 0.5 and ~0.75, where a run stays bounded or
        // blows up by rounding within the budget. Probe a few rates below the boundary (down to 0.81 of it);
        // if one blows up, the boundary is sought again below it, so the result is the lowest edge seen.
        for (int pass = 0; pass < MaxBracketSteps && stable > 0; pass++)
        {
            double failed = 0;
            for (int j = 1; j <= 4 && failed == 0; j++)
            {
                double rate = stable * Math.Pow(VerificationStep, j);
                if (!Test(rate)) failed = rate;
            }
            if (failed == 0) break;
            unstable = failed;
            stable = 0;
            for (double rate = failed * VerificationStep; stable == 0 && rate > failed * 1e-12; rate *= VerificationStep)
                if (Test(rate)) stable = rate;
                else unstable = rate;
            Bisect();
        }
        return new SeedBoundary(seedIndex, stable, unstable, probes);

        void Bisect()
        {
            while (stable > 0 && double.IsFinite(unstable) && unstable / stable - 1 > settings.Tolerance)
            {
                double middle = Math.Sqrt(stable * unstable);
                if (Test(middle)) stable = middle;
                else unstable = middle;
            }
        }
    }

    /// <summary>What every probe of one (problem, seed) shares.</summary>
    private sealed class Setup
    {
        private readonly LinearMomentNetwork _network;
        private readonly ModeMoments _population;
        private readonly Minibatches? _batches;
        private readonly NetworkParameters _start;
        private readonly TrainingConfig _config;
        private readonly int _slice;

        private Setup(LinearMomentNetwork network, ModeMoments population, Minibatches? batches, NetworkParameters start,
            TrainingConfig config, int slice, double topCurvature)
        {
            _network = network;
            _population = population;
            _batches = batches;
            _start = start;
            _config = config;
            _slice = slice;
            TopCurvature = topCurvature;
        }

        public double TopCurvature { get; }

        public static Setup Create(TrainingProblem problem, TrainingConfig config, int sliceIndex)
        {
            config.Validate();
            problem.Validate();
            double t = problem.Grid.Times[sliceIndex];
            var spectrum = problem.Process.NoisedSpectrumTable(problem.SpectrumTable(), t);
            var population = ModeMoments.Population(spectrum, problem.Process.NoiseVariance(t));
            var network = LinearMomentNetwork.Create(problem.Lattice, problem.Architecture, problem.Basis);
            var start = SliceTrainer.Start(network, config, spectrum, sliceIndex, out _);
            var batches = config.Mode == TrainingMode.Empirical ? SliceTrainer.CreateMinibatches(problem, t, config.BatchSize) : null;
            var curvatureRng = new RandomStream(config.Seed ^ 0x5DEECE66DUL, (ulong)sliceIndex);
            double lambda = Curvature.TopEigenvalue(network, start, population, ref curvatureRng);
            return new Setup(network, population, batches, start, config, sliceIndex, lambda);
        }

        public bool Probe(double rate, int budget, CancellationToken cancellation)
        {
            var parameters = _start.Clone();
            var gradient = _network.CreateParameters();
            var state = _config.Optimizer.CreateState(parameters);
            var rng = new RandomStream(_config.Seed, (ulong)_slice); // the training run's minibatch stream
            if (MultiplierDescent.TryCreate(_network, parameters, _config.Optimizer) is { } descent)
            {
                // A full one-layer kernel under (S)GD: the trainer's steps on its multiplier (each step's pass gives the loss after it).
                var signal = _population.Signal;
                double start = descent.Evaluate(_population, signal, out _);
                for (int step = 1; step <= budget; step++)
                {
                    cancellation.ThrowIfCancellationRequested();
                    descent.Step(rate, _batches is null ? _population
                        : MultiplierDescent.PerMode(_batches.Draw(ref rng)));
                    double loss = descent.Evaluate(_population, signal, out _);
                    if (!double.IsFinite(loss) || loss > start) return false;
                }
                return true;
            }
            double initial = _network.Loss(parameters, _population);
            for (int step = 1; step <= budget; step++)
            {
                cancellation.ThrowIfCancellationRequested();
                if (_batches is null) _network.LossAndGradient(parameters, _population, gradient);
                else _network.LossAndGradient(parameters, _batches.Draw(ref rng), gradient);
                _config.Optimizer.Step(parameters, gradient, rate, state);
                double loss = _network.Loss(parameters, _population);
                if (!double.IsFinite(loss) || loss > initial) return false;
            }
            return true;
        }
    }
}
