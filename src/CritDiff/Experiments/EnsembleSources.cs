using CritDiff.Persistence;
using CritDiff.Training;

namespace CritDiff.Experiments;

/// <summary>
/// Training sources from ensemble files. Lives here rather than as a <see cref="DataSetSource"/> constructor so that
/// Training does not depend on Experiments (STYLE.md: dependencies one way).
/// </summary>
public static class EnsembleSources
{
    /// <summary>The ensemble's N configurations as a data-set source (uniform with replacement; not copied).</summary>
    public static DataSetSource ToSampleSource(this EnsembleData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        return new DataSetSource(data.Lattice, data.Components, data.Configurations, data.Count);
    }
}
