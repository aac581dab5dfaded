using System.CommandLine;
using CritDiff.Experiments;
using CritDiff.Fields;
using CritDiff.Lattices;
using CritDiff.MonteCarlo;
using CritDiff.Persistence;
using CritDiff.Training;

namespace CritDiff.Cli;

/// <summary>
/// The data options of <c>critdiff train</c> (--data, --spectrum, --reference, --chain) read into library values; a
/// missing, unreadable or mismatched file exits 2 naming its option.
/// </summary>
internal static class TrainInputs
{
    /// <summary>
    /// An ensemble written by 'critdiff ensemble' has a side-car FILE.npy.json naming its model; it must be the target of
    /// --model (kind, n, d, L, couplings), else exit 2 naming <paramref name="option"/>. Files without a side-car are taken as given.
    /// </summary>
    internal static void CheckSideCar(string option, string? path, LatticeModel model)
    {
        if (path is null) return;
        string sideCar = EnsembleFile.SideCarPath(path);
        if (!File.Exists(sideCar)) return;
        EnsembleSideCar header;
        try
        {
            header = EnsembleFile.ReadSideCar(sideCar);
        }
        catch (Exception e) when (e is InvalidDataException or System.Text.Json.JsonException or IOException)
        {
            throw new UsageException($"{option}: side-car {sideCar} is unreadable: {e.Message.Split('\n')[0]}");
        }
        if (header.Model.Mismatch(model) is { } why)
            throw new UsageException($"{option}: {path}: {why}; pass the ensemble's model options (e.g. --model {header.Model.Kind}" +
                                     $"{(header.Model.Kind == "gaussian" ? "" : $" --n {header.Model.Components}")})");
    }

    internal static TrainingData? LoadData(string? path, GaussianField field, TrainingMode mode)
    {
        if (path is null) return null;
        if (mode != TrainingMode.Empirical) throw new UsageException("--data needs --mode empirical");
        var (values, count, components) = LoadConfigurations("--data", path, field.Lattice);
        return TrainingData.FromComponents(values, count, components);
    }

    /// <summary>
    /// Reads configurations of shape [N, L, ..., L] (n = 1) or [N, n, L, ..., L] (rank d + 2) on the lattice;
    /// any other shape, a missing or unreadable file or non-finite values exit 2 naming <paramref name="option"/>.
    /// </summary>
    internal static (double[] Values, int Count, int Components) LoadConfigurations(string option, string path, Lattice lattice)
    {
        if (!File.Exists(path)) throw new UsageException($"{option}: file '{path}' does not exist");
        NpyArray array;
        try
        {
            array = NpyFile.Read(path);
        }
        catch (InvalidDataException e)
        {
            throw new UsageException($"{option}: {path}: {e.Message}");
        }
        int[] expected = [.. lattice.Shape];
        int[] shape = array.Shape;
        int rank = shape.Length, d = lattice.Dimension;
        bool latticeMatches = (rank == d + 1 || rank == d + 2) && shape.Skip(rank - d).SequenceEqual(expected);
        string dims = string.Join(", ", expected);
        if (!latticeMatches || shape[0] < 1 || (rank == d + 2 && shape[1] < 1))
            throw new UsageException($"{option}: shape ({string.Join(", ", shape)}) does not match the model lattice (--d {d}, --L {lattice.Length}): " +
                                     $"expected (N, {dims}) or (N, n, {dims}) with N, n >= 1");
        DataValues.Check(option, path, array.Data);
        return (array.Data, shape[0], rank == d + 2 ? shape[1] : 1);
    }

    /// <summary>
    /// The measured spectrum that replaces the model's C(k): that of --spectrum, else that of --data unless
    /// --reference model; null for the model's exact spectrum.
    /// </summary>
    internal static MeasuredSpectrum? TargetSpectrum(string? spectrumPath, string? referenceText, string? dataPath,
        TrainingData? data, GaussianField field)
    {
        if (referenceText is not null and not ("data" or "model"))
            throw new UsageException($"--reference must be data or model (got {referenceText})");
        if (spectrumPath is not null)
        {
            if (referenceText == "model")
                throw new UsageException("--reference model contradicts --spectrum (the measured spectrum replaces the model's): give one of them");
            var (values, count, components) = LoadConfigurations("--spectrum", spectrumPath, field.Lattice);
            return Measure("--spectrum", field.Lattice, values, count, components, spectrumPath);
        }
        if (data is null)
        {
            if (referenceText is not null) throw new UsageException("--reference needs --data: it chooses between the data set's spectrum and the model's");
            return null;
        }
        return referenceText == "model"
            ? null
            : Measure("--data", field.Lattice, data.Configurations, data.ConfigurationCount, data.Components, dataPath!);
    }

    internal static MeasuredSpectrum Measure(string option, Lattice lattice, double[] values, int count, int components, string path)
    {
        var measured = MeasuredSpectrum.Measure(lattice, values, count, components, path);
        try
        {
            measured.CheckTargetOn(lattice);
        }
        catch (ArgumentException e)
        {
            throw new UsageException($"{option}: {e.Message.Split(" (Parameter")[0]}");
        }
        return measured;
    }

    /// <summary>chi of a --data file for --t-max auto: the side-car's Monte Carlo estimate, else G(0) measured on the file.</summary>
    internal static double DataSusceptibility(string path, Lattice lattice)
    {
        var header = File.Exists(EnsembleFile.SideCarPath(path)) ? EnsembleFile.ReadSideCar(EnsembleFile.SideCarPath(path)) : null;
        if (header?.Observables?.GetValueOrDefault("susceptibility")?.Value is { } measured) return measured;
        var (values, count, components) = LoadConfigurations("--data", path, lattice);
        return MeasuredSpectrum.Measure(lattice, values, count, components, path).Susceptibility;
    }

    internal static EnsembleData LoadEnsemble(string path, LatticeModel target)
    {
        if (!File.Exists(path)) throw new UsageException($"--data: file '{path}' does not exist");
        EnsembleData data;
        try
        {
            data = File.Exists(EnsembleFile.SideCarPath(path)) ? EnsembleFile.Read(path) : EnsembleFile.ReadBare(path, target.Lattice.Dimension);
        }
        catch (Exception e) when (e is InvalidDataException or System.Text.Json.JsonException or IOException)
        {
            throw new UsageException($"--data: {path}: {e.Message.Split('\n')[0]}");
        }
        if (data.Lattice != target.Lattice)
            throw new UsageException($"--data: {path} holds configurations on {data.Lattice}; the model options give {target.Lattice}");
        if (data.Components != target.Components)
            throw new UsageException($"--data: {path} has n = {data.Components} components; the target has n = {target.Components} (--n)");
        DataValues.Check("--data", path, data.Configurations);
        return data;
    }

    internal static MarkovChainSource ChainSource(string text, LatticeModel target, ulong seed)
    {
        string[] parts = text.Split(':');
        int spacing = 1;
        if (parts.Length > 2 || (parts.Length == 2 && !(NumericOptions.TryInteger(parts[1], out spacing) && spacing is >= 1 and <= 100_000)))
            throw new UsageException($"--chain must be ALGO or ALGO:SPACING with SPACING in 1..100000 (got {text})");
        var names = ModelKernels.NamesFor(target);
        if (!names.Contains(parts[0]))
            throw new UsageException($"--chain: algorithm '{parts[0]}' is not available for {target.Kind}: use {string.Join(", ", names)}");
        return new MarkovChainSource(ModelKernels.Create(parts[0], target), seed ^ 0xC4A1UL, SampleTrainCommand.ChainThermalization, spacing);
    }

    /// <summary>--reference-drift: null for off, else a fraction in (0, 1] (exit 2 otherwise).</summary>
    public static double? ReferenceDrift(ParseResult result, SampleTrainOptions options)
    {
        string text = result.GetValue(options.ReferenceDrift) ?? "off";
        if (text == "off") return null;
        if (double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double f) && f > 0 && f <= 1) return f;
        throw new UsageException($"--reference-drift must be off or a fraction in (0, 1] of the initial excess (got {text})");
    }

    /// <summary>A slice's reference in words: loss +- uncertainty, and with --reference-drift its length and last drift ("-" without one).</summary>
    public static string ReferenceCell(SampleSliceDetails details)
    {
        if (details.ReferenceLoss is not { } loss) return "-";
        string text = CritDiff.Statistics.Stats.Format(loss, details.ReferenceUncertainty);
        if (details.ReferenceConverged is not { } converged) return text;
        string drift = details.ReferenceDrift is { } d ? d.ToString("G3", System.Globalization.CultureInfo.InvariantCulture) : "n/a";
        return $"{text} ({details.ReferenceSteps} steps, drift {drift}{(converged ? "" : ", NOT converged")})";
    }
}
