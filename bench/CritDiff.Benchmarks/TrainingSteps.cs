using CritDiff.Diffusion;
using CritDiff.Fields;
using CritDiff.Lattices;
using CritDiff.Networks;
using CritDiff.Statistics;
using CritDiff.Training;

namespace CritDiff.Benchmarks;

/// <summary>
/// The training steps issue 3 times (d = 2, xi/L = 1/4, VP): an empirical SGD step (draw a minibatch's
/// moments, exact loss and gradient, p -= lr g) and a population GD step over all slices of a grid.
/// Shared by the BenchmarkDotNet classes and the quick "training-step" mode.
/// </summary>
public sealed class SgdStep
{
    private readonly LinearMomentNetwork _network;
    private readonly NetworkParameters _parameters, _gradient;
    private readonly Minibatches _batches;
    private readonly Optimizer _optimizer = new GradientDescent("sgd");
    private readonly OptimizerState _state;
    private readonly double _rate;
    private RandomStream _rng;

    /// <param name="sampler">"direct" (Minibatches.FreshFourier, sample by sample) or "wishart" (Minibatches.FreshWishart, the trainer's default for fresh samples).</param>
    public SgdStep(int length, int batch, string architecture, string sampler = "direct", double t = 0.1, ulong seed = 1)
    {
        var field = GaussianField.AtCorrelationLengthOverSize(new Lattice(2, length), 0.25);
        var process = new VariancePreserving();
        _network = LinearMomentNetwork.Create(field.Lattice, Architecture.Parse(architecture));
        _parameters = _network.CreateParameters();
        _gradient = _network.CreateParameters();
        double sMax = process.NoisedSpectrumTable(field.SpectrumTable(), t).Max();
        // One layer starts at K = 0; deeper ones balanced with product -1/S_max (docs/science.md section 5).
        _network.InitializeBalanced(_parameters, _network.Architecture.Depth == 1 ? 0 : 1 / sMax);
        _rate = 0.1 / sMax; // well inside the stability limit of every architecture here
        _batches = sampler switch
        {
            "direct" => Minibatches.FreshFourier(field, process, t, batch),
            "wishart" => Minibatches.FreshWishart(field, process, t, batch),
            _ => throw new ArgumentException($"unknown sampler '{sampler}': use direct or wishart", nameof(sampler)),
        };
        _state = _optimizer.CreateState(_parameters);
        _rng = new RandomStream(seed, 0);
    }

    /// <summary>One SGD step; returns the minibatch loss.</summary>
    public double Step()
    {
        double loss = _network.LossAndGradient(_parameters, _batches.Draw(ref _rng), _gradient);
        _optimizer.Step(_parameters, _gradient, _rate, _state);
        return loss;
    }
}

/// <summary>
/// Population GD for every slice of a log-spaced grid: one step = LossAndGradient + update per slice, through the
/// network (kernel basis: two FFTs per full layer), or as <c>critdiff train</c> steps kernel-basis full layers: on the
/// multipliers (<see cref="MultiplierDescent"/>; loss, gradient, score error and update per slice).
/// </summary>
public sealed class PopulationGdStep
{
    private readonly (LinearMomentNetwork Network, NetworkParameters Parameters, NetworkParameters Gradient, ModeMoments Moments, double Rate)[] _slices;
    private readonly Optimizer _optimizer = new GradientDescent("gd");
    private readonly OptimizerState[] _states;
    private readonly MultiplierDescent[]? _descents;

    /// <param name="basis">Kernel (real-space parameters: two FFTs per full layer and step) or Fourier
    /// (multipliers: per-mode arithmetic only; the same GD trajectory at V times the rate).</param>
    /// <param name="asTrainer">Step kernel-basis full layers as the trainer does, on their multipliers.</param>
    public PopulationGdStep(int length, int slices, string architecture = "one-layer", double tMin = 1e-3,
        ParameterBasis basis = ParameterBasis.Kernel, bool asTrainer = false)
    {
        var field = GaussianField.AtCorrelationLengthOverSize(new Lattice(2, length), 0.25);
        var process = new VariancePreserving();
        var grid = TimeGrid.LogSpaced(slices, tMin, process.AutoFinalTime(field.Susceptibility, 1e-3));
        var spectrum = field.SpectrumTable();
        _slices = grid.Times.Select(t =>
        {
            var network = LinearMomentNetwork.Create(field.Lattice, Architecture.Parse(architecture), basis);
            var noised = process.NoisedSpectrumTable(spectrum, t);
            var parameters = network.CreateParameters();
            network.InitializeBalanced(parameters, network.Architecture.Depth == 1 ? 0 : 1 / noised.Max());
            return (network, parameters, network.CreateParameters(),
                ModeMoments.Population(noised, process.NoiseVariance(t)),
                (basis == ParameterBasis.Fourier ? field.Lattice.SiteCount : 1) * 0.25 / noised.Max());
        }).ToArray();
        _states = _slices.Select(s => _optimizer.CreateState(s.Parameters)).ToArray();
        if (asTrainer)
            _descents = _slices.Select(s => MultiplierDescent.TryCreate(s.Network, s.Parameters, _optimizer)
                ?? throw new ArgumentException($"{architecture} in the {basis} basis does not step on multipliers")).ToArray();
    }

    /// <summary>One GD step on every slice, slices spread over <paramref name="threads"/> threads.</summary>
    public void Step(int threads)
    {
        if (threads == 1)
        {
            for (int j = 0; j < _slices.Length; j++) StepSlice(j);
            return;
        }
        Parallel.For(0, _slices.Length, new ParallelOptions { MaxDegreeOfParallelism = threads }, StepSlice);
    }

    private void StepSlice(int j)
    {
        var s = _slices[j];
        if (_descents is { } descents)
        {
            descents[j].Evaluate(s.Moments, s.Moments.Signal, out _);
            descents[j].Step(s.Rate, s.Moments);
            return;
        }
        s.Network.LossAndGradient(s.Parameters, s.Moments, s.Gradient);
        _optimizer.Step(s.Parameters, s.Gradient, s.Rate, _states[j]);
    }
}
