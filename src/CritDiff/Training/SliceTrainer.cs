using CritDiff.Networks;
using CritDiff.Statistics;

namespace CritDiff.Training;

/// <summary>
/// Trains one time slice with the stopping rule of docs/science.md section 6: the training time is the
/// number of optimizer steps until the population excess loss over the architecture's optimum falls
/// below eps times its initial value. Where the optimum has no closed form it is the bottom of the basin
/// the same run descends into: for networks of at most <see cref="NewtonPolish.MaxParameters"/> parameters
/// a Newton polish of the run's parameters at steps 128, 256, ... (then the run stops at eps like any
/// other), otherwise the converged loss (relative change below the tolerance over a window of steps);
/// for empirical training it is found by an auxiliary population GD run from the same start. A non-finite loss, or a loss
/// that rises above its initial value by more than the initial excess over the exact optimum, stops
/// the run as diverged.
/// With an automatic rate in population mode, a loss that rises from one step to the next means the
/// curvature has grown past the start's (multi-layer networks: lambda_max is ~2 at a small balanced
/// start and ~4 near the optimum): lambda_max is then re-estimated at the current parameters and the
/// rate lowered to the same fraction of 2/lambda_max. Full one- and two-layer networks never trigger it
/// (their population loss falls monotonically), so their runs match the theory exactly.
/// </summary>
public static class SliceTrainer
{
    /// <summary>Trains slice <paramref name="sliceIndex"/> (its random streams are keyed by it).</summary>
    public static SliceResult Train(TrainingProblem problem, TrainingConfig config, int sliceIndex,
        CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(problem);
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        problem.Validate();
        double t = problem.Grid.Times[sliceIndex];
        var lattice = problem.Lattice;
        var spectrum = problem.Process.NoisedSpectrumTable(problem.SpectrumTable(), t);
        double noiseVariance = problem.Process.NoiseVariance(t);
        var population = ModeMoments.Population(spectrum, noiseVariance);
        var network = LinearMomentNetwork.Create(lattice, problem.Architecture, problem.Basis);

        var parameters = Start(network, config, spectrum, sliceIndex, out double scale);
        var curvatureRng = new RandomStream(config.Seed ^ 0x5DEECE66DUL, (ulong)sliceIndex);
        double lambda = Curvature.TopEigenvalue(network, parameters, population, ref curvatureRng);
        var (rate, rule) = LearningRate(config, lambda);

        double exactOptimum = LinearMomentNetwork.ExactOptimumLoss(spectrum, noiseVariance);
        double? optimum = ArchitectureOptimum.Loss(lattice, problem.Architecture, spectrum, noiseVariance);
        bool closedForm = optimum is not null;
        Minibatches? batches = null;
        if (config.Mode == TrainingMode.Empirical)
        {
            batches = CreateMinibatches(problem, t, config.BatchSize);
            if (!closedForm)
            {
                // Reachable optimum of this architecture from this start: a population GD run to its basin's bottom
                // (polished), with the cap of a full run whatever cap this training run has.
                var reference = Run(network, parameters.Clone(), population, null, new GradientDescent("gd"),
                    config.LearningRateFraction * 2 / lambda, config with { Mode = TrainingMode.Population, MaxSteps = Math.Max(config.MaxSteps, 100_000) }, spectrum,
                    exactOptimum, null, problem.Architecture.RepresentsExactScore, default, adaptiveRate: true, cancellation);
                optimum = reference.Converged ? reference.Optimum : null;
            }
        }

        var rng = new RandomStream(config.Seed, (ulong)sliceIndex);
        bool adaptive = config.LearningRate is null && config.Optimizer.UsesCurvatureRate && batches is null;
        var run = Run(network, parameters, population, batches, config.Optimizer, rate, config, spectrum,
            exactOptimum, optimum, problem.Architecture.RepresentsExactScore, rng, adaptive, cancellation);
        if (run.Rate < rate) rule += $", lowered {run.RateReductions}x as the curvature grew";
        return Summarise(run, t, run.Rate, rule, scale, lambda, exactOptimum, closedForm, network, spectrum,
            Predict(problem, config, spectrum, run.Rate, rate, scale));
    }

    /// <summary>
    /// The start of slice <paramref name="sliceIndex"/>: the configured <see cref="NetworkStart"/> at the
    /// configured initial scale (auto: 0 for one layer, 1/S_max for deeper networks); random starts draw
    /// from their own stream keyed by the seed and the slice.
    /// </summary>
    internal static NetworkParameters Start(LinearMomentNetwork network, TrainingConfig config, double[] spectrum, int sliceIndex, out double scale)
    {
        scale = config.InitialScale ?? (network.Architecture.Depth == 1 ? 0 : 1 / spectrum.Max());
        var parameters = network.CreateParameters();
        var startRng = new RandomStream(config.Seed ^ 0x57A127UL, (ulong)sliceIndex);
        config.Start.Initialize(network, parameters, scale, ref startRng);
        return parameters;
    }

    /// <summary>
    /// The per-mode theory applies to population GD without momentum on full-range networks at a fixed
    /// rate; a Fourier-basis rate is V times the kernel one. Null elsewhere.
    /// </summary>
    private static int? Predict(TrainingProblem problem, TrainingConfig config, double[] spectrum,
        double finalRate, double initialRate, double scale)
    {
        if (!problem.Architecture.IsFullRange || config.Mode != TrainingMode.Population ||
            config.Optimizer is not GradientDescent { Momentum: 0 } || finalRate != initialRate ||
            (config.Start != NetworkStart.Balanced && problem.Architecture.Depth > 1) || config.Start.IsRandom)
            return null;
        double kernelRate = problem.Basis == ParameterBasis.Fourier ? initialRate / spectrum.Length : initialRate;
        return Theory.PredictFullNetwork(spectrum, problem.Architecture.Depth, kernelRate, scale, config.Eps, config.MaxSteps).Steps;
    }

    private static (double Rate, string Rule) LearningRate(TrainingConfig config, double lambda)
    {
        if (config.LearningRate is { } fixedRate) return (fixedRate, "fixed");
        if (!config.Optimizer.UsesCurvatureRate) return (Adam.AutoLearningRate, $"auto: adam default {Adam.AutoLearningRate}");
        return (config.LearningRateFraction * 2 / lambda, $"auto: {config.LearningRateFraction} x 2/lambda_max");
    }

    /// <summary>
    /// Minibatches of the problem's data set, or of fresh Gaussian fields with the problem's spectrum (exact
    /// samples of the field, or a Gaussian surrogate of a measured G(k)).
    /// </summary>
    internal static Minibatches CreateMinibatches(TrainingProblem problem, double t, int batchSize)
    {
        var lattice = problem.Lattice;
        if (problem.Architecture.IsDense)
            return problem.Data is null
                ? Minibatches.FreshRealSpace(lattice, problem.SpectrumTable(), problem.Process, t, batchSize)
                : Minibatches.RealSpace(lattice, problem.Process, t, batchSize, null, problem.Data.Configurations, problem.Data.Count);
        // Fresh samples: per-mode batch moments drawn from their Wishart law (the same law as
        // sample-by-sample moments, MinibatchesTests), at O(V) cost whatever the batch size.
        return problem.Data is null
            ? Minibatches.FreshWishart(lattice, problem.SpectrumTable(), problem.Process, t, batchSize)
            : Minibatches.FromData(lattice, problem.Process, t, batchSize, problem.Data.Configurations, problem.Data.Count);
    }

    private sealed record RunOutcome(List<HistoryRow> History, NetworkParameters Parameters, bool Converged,
        bool Diverged, int Steps, double? Optimum)
    {
        public Dictionary<int, NetworkParameters> Snapshots { get; init; } = [];

        public double Rate { get; init; }

        public int RateReductions { get; init; }
    }

    private static RunOutcome Run(LinearMomentNetwork network, NetworkParameters parameters, ModeMoments population,
        Minibatches? batches, Optimizer optimizer, double rate, TrainingConfig config, double[] spectrum,
        double exactOptimum, double? optimum, bool excessIsScoreError, RandomStream rng, bool adaptiveRate,
        CancellationToken cancellation)
    {
        var metrics = new SliceMetrics([]);
        var objective = new MomentObjective(network, parameters, population, batches, optimizer, rate, config, spectrum,
            exactOptimum, optimum, excessIsScoreError, rng, adaptiveRate, metrics);
        var outcome = SliceLoop.Run(objective, metrics, cancellation);
        return outcome with { Rate = objective.Rate, RateReductions = objective.RateReductions, Snapshots = objective.Snapshots };
    }

    /// <summary>
    /// The moment objective as an objective of <see cref="SliceLoop"/>: population moments (or moment minibatches) evaluated
    /// every step, the step from the gradient of that evaluation (or of a fresh minibatch), and the stopping rule of the
    /// class summary with its own hooks: Newton polishing at steps 128, 256, ... (rewriting the history's excess), the
    /// curvature rate lowered as the loss rises, the multiplier fast path, snapshots at the chosen steps and the post-hoc
    /// optimum of a converged run.
    /// </summary>
    private sealed class MomentObjective : ISliceObjective<RunOutcome>
    {
        private readonly LinearMomentNetwork _network;
        private readonly NetworkParameters _parameters, _gradient;
        private readonly ModeMoments _population;
        private readonly Minibatches? _batches;
        private readonly Optimizer _optimizer;
        private readonly OptimizerState _state;
        private readonly TrainingConfig _config;
        private readonly double[] _spectrum;
        private readonly double _exactOptimum;
        private readonly bool _excessIsScoreError, _adaptiveRate;
        private readonly SliceMetrics _metrics;
        private readonly HashSet<int> _wanted;
        private readonly MultiplierDescent? _descent;
        private RandomStream _rng, _curvatureRng;
        private double? _optimum;
        private double _initialLoss = double.NaN, _initialExcess = double.NaN;
        // Without a closed-form optimum, population runs of small networks find the bottom of their basin
        // by Newton polishing (at steps 128, 256, ...) instead of creeping to it by GD.
        private readonly bool _polishable;
        private bool _polished, _confirmed;
        private int _nextPolish = 128;

        public MomentObjective(LinearMomentNetwork network, NetworkParameters parameters, ModeMoments population,
            Minibatches? batches, Optimizer optimizer, double rate, TrainingConfig config, double[] spectrum,
            double exactOptimum, double? optimum, bool excessIsScoreError, RandomStream rng, bool adaptiveRate, SliceMetrics metrics)
        {
            (_network, _parameters, _population, _batches, _optimizer, _config, _spectrum) = (network, parameters, population, batches, optimizer, config, spectrum);
            (_exactOptimum, _optimum, _excessIsScoreError, _rng, _adaptiveRate, _metrics) = (exactOptimum, optimum, excessIsScoreError, rng, adaptiveRate, metrics);
            _wanted = config.Snapshots.ToHashSet();
            Rate = rate;
            _curvatureRng = new RandomStream(config.Seed ^ 0xA5A5A5A5UL, 0);
            _gradient = network.CreateParameters();
            _state = optimizer.CreateState(parameters);
            _polishable = optimum is null && batches is null && parameters.Length <= NewtonPolish.MaxParameters;
            // A full one-layer kernel under (S)GD: the same descent on its multiplier, without two FFTs per step. The kernel
            // is written back into parameters wherever it is read (snapshots, curvature, the outcome).
            _descent = _polishable ? null : MultiplierDescent.TryCreate(network, parameters, optimizer);
        }

        /// <summary>The rate the run ends at (lowered as the curvature grew).</summary>
        public double Rate { get; private set; }

        /// <summary>How often the rate was lowered.</summary>
        public int RateReductions { get; private set; }

        /// <summary>The parameters at the chosen steps.</summary>
        public Dictionary<int, NetworkParameters> Snapshots { get; } = [];

        public int FirstStep => 0;

        public void BeginStep(int step)
        {
        }

        public bool Evaluates(int step) => true;

        public HistoryRow Evaluate(int step)
        {
            double loss, scoreError;
            if (_descent is not null)
            {
                loss = _descent.Evaluate(_population, _spectrum, out scoreError);
            }
            else if (_batches is null)
            {
                loss = _network.LossAndGradient(_parameters, _population, _gradient);
                scoreError = _network.ScoreError(_parameters, _spectrum);
            }
            else
            {
                (loss, scoreError) = _network.LossAndScoreError(_parameters, _population, _spectrum);
            }
            double excess = _optimum is null ? double.NaN : _excessIsScoreError ? scoreError : loss - _optimum.Value;
            return new HistoryRow(step, loss, excess, scoreError);
        }

        private RunOutcome Outcome(RunOutcome outcome)
        {
            _descent?.CopyTo(_parameters);
            return outcome;
        }

        public RunOutcome? Decide(int step)
        {
            var history = _metrics.History;
            var (network, parameters, population, config) = (_network, _parameters, _population, _config);
            double loss = history[step].Loss, excess = history[step].Excess;
            if (_wanted.Contains(step))
            {
                _descent?.CopyTo(parameters);
                Snapshots[step] = parameters.Clone();
            }
            if (step == 0)
            {
                _initialLoss = loss;
                _initialExcess = excess;
            }
            if (!double.IsFinite(loss) || loss - _initialLoss > _initialLoss - _exactOptimum)
                return Outcome(new RunOutcome(history, parameters, false, true, step, _optimum));
            if (_adaptiveRate && step > 0 && loss > history[step - 1].Loss + 1e-14 * Math.Abs(loss))
            {
                _descent?.CopyTo(parameters);
                double lambda = Curvature.TopEigenvalue(network, parameters, population, ref _curvatureRng);
                double lowered = config.LearningRateFraction * 2 / lambda;
                if (lowered < Rate)
                {
                    Rate = lowered;
                    RateReductions++;
                }
                // The gradient at these parameters again (the multiplier path computes its own in Step).
                if (_descent is null) network.LossAndGradient(parameters, population, _gradient);
            }
            if (_polished && loss < _optimum!.Value - 1e-12 * Math.Abs(loss))
            {
                // The descent went below the polished point (it was not yet in its final basin): polish again here.
                (_optimum, _polished, _confirmed, _nextPolish) = (null, false, false, step);
            }
            if (_polishable && !_confirmed && step == _nextPolish)
            {
                // Accepted once two successive polishes (steps n and 2n) find the same bottom, to well within
                // what moves the step count (1e-4 of eps x initial excess): a run still on its way to
                // another basin would move the second one.
                _nextPolish *= 2;
                double bottom = NewtonPolish.Minimize(network, parameters.Clone(), population);
                double agreement = Math.Max(1e-10 * Math.Abs(bottom), 1e-4 * config.Eps * (history[0].Loss - bottom));
                _confirmed = _polished && Math.Abs(bottom - _optimum!.Value) <= agreement;
                (_optimum, _polished) = (bottom, true);
                int first = SetExcess(history, bottom, config.Eps);
                _initialExcess = history[0].Excess;
                excess = history[step].Excess;
                if (_confirmed && first >= 0) return Outcome(new RunOutcome(history, parameters, true, false, first, _optimum));
            }
            if (_optimum is not null && (!_polished || _confirmed) && excess <= config.Eps * _initialExcess)
                return Outcome(new RunOutcome(history, parameters, true, false, step, _optimum));
            if ((_optimum is null || (_polished && !_confirmed)) && step >= config.ConvergenceWindow &&
                Math.Abs(loss - history[step - config.ConvergenceWindow].Loss) <= config.ConvergenceTolerance * Math.Abs(loss))
                return Outcome(WithPostHocOptimum(history, parameters, config, step, _polishable ? (network, population) : null));
            if (step >= config.MaxSteps)
                return Outcome(_optimum is null || _polished
                    ? WithPostHocOptimum(history, parameters, config, step, _polishable ? (network, population) : null) with { Converged = false }
                    : new RunOutcome(history, parameters, false, false, step, _optimum));
            return null;
        }

        public RunOutcome? Step(int step)
        {
            if (_descent is not null)
            {
                _descent.Step(Rate, _batches is null ? _population
                    : MultiplierDescent.PerMode(_batches.Draw(ref _rng)));
                return null;
            }
            if (_batches is not null) _network.LossAndGradient(_parameters, _batches.Draw(ref _rng), _gradient);
            _optimizer.Step(_parameters, _gradient, Rate, _state);
            return null;
        }
    }

    /// <summary>
    /// The converged loss (polished to the bottom of its basin where possible) is the optimum: fill in the
    /// excess and find the first step below eps.
    /// </summary>
    private static RunOutcome WithPostHocOptimum(List<HistoryRow> history, NetworkParameters parameters,
        TrainingConfig config, int lastStep, (LinearMomentNetwork Network, ModeMoments Population)? polish)
    {
        double optimum = history[^1].Loss;
        if (polish is { } p) optimum = Math.Min(optimum, NewtonPolish.Minimize(p.Network, parameters.Clone(), p.Population));
        int steps = SetExcess(history, optimum, config.Eps);
        return new RunOutcome(history, parameters, true, false, steps < 0 ? lastStep : steps, optimum);
    }

    /// <summary>Rewrites every row's excess against <paramref name="optimum"/>; returns the first step below eps x initial, or -1.</summary>
    private static int SetExcess(List<HistoryRow> history, double optimum, double eps)
    {
        for (int i = 0; i < history.Count; i++) history[i] = history[i] with { Excess = history[i].Loss - optimum };
        double threshold = eps * history[0].Excess;
        return history.FindIndex(r => r.Excess <= threshold);
    }

    private static SliceResult Summarise(RunOutcome run, double t, double rate, string rule, double scale,
        double lambda, double exactOptimum, bool closedForm, LinearMomentNetwork network, double[] spectrum, int? predicted) => new()
        {
            Time = t,
            LearningRate = rate,
            LearningRateRule = rule,
            Steps = run.Steps,
            StepsRun = run.History[^1].Step,
            Converged = run.Converged,
            Diverged = run.Diverged,
            InitialExcess = run.History[0].Excess,
            FinalExcess = run.History[Math.Min(run.Steps, run.History.Count - 1)].Excess,
            History = run.History,
            Parameters = run.Parameters,
            Moments = new MomentSliceDetails
            {
                InitialScale = scale,
                TopCurvature = lambda,
                OptimumGapToExact = run.Optimum is { } o ? o - exactOptimum : double.NaN,
                OptimumIsClosedForm = closedForm,
                FinalScoreError = network.ScoreError(run.Parameters, spectrum),
                PredictedSteps = predicted,
                Snapshots = run.Snapshots,
            },
        };
}
