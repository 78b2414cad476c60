using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace KafkaConnector.Tests.Diagnostics;

/// <summary>Records the connector's measurements of one service provider (its meter's scope is that provider's factory).</summary>
internal sealed class MetricRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentQueue<(string Instrument, double Value, Dictionary<string, object?> Tags)> _measurements = new();
    private readonly ConcurrentDictionary<Instrument, bool> _instruments = new();

    public MetricRecorder(IMeterFactory? scope)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == KafkaConnectorInfo.Name && (scope is null || ReferenceEquals(instrument.Meter.Scope, scope)))
            {
                _instruments[instrument] = true;
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((i, v, t, _) => Add(i, v, t));
        _listener.SetMeasurementEventCallback<int>((i, v, t, _) => Add(i, v, t));
        _listener.SetMeasurementEventCallback<double>((i, v, t, _) => Add(i, v, t));
        _listener.Start();
    }

    public double Sum(string instrument, string? topic = null) => Select(instrument, topic).Sum(m => m.Value);

    public int Count(string instrument, string? topic = null) => Select(instrument, topic).Count();

    public IEnumerable<Dictionary<string, object?>> Tags(string instrument) => _measurements.Where(m => m.Instrument == instrument).Select(m => m.Tags);

    /// <summary>The latest value of an observable gauge (summed over its series).</summary>
    public double Observe(string instrument)
    {
        var before = _measurements.Count;
        _listener.RecordObservableInstruments();
        return _measurements.Skip(before).Where(m => m.Instrument == instrument).Sum(m => m.Value);
    }

    /// <summary>Every series of an observable gauge of <paramref name="meter"/>.</summary>
    public static List<(double Value, Dictionary<string, object?> Tags)> ObserveAll(string instrument, Meter meter)
    {
        var series = new List<(double, Dictionary<string, object?>)>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (i, l) =>
            {
                if (ReferenceEquals(i.Meter, meter) && i.Name == instrument)
                {
                    l.EnableMeasurementEvents(i);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((_, v, t, _) => series.Add((v, ToDictionary(t))));
        listener.Start();
        listener.RecordObservableInstruments();
        return series;
    }

    public override string ToString() => string.Join("; ", _measurements.GroupBy(m => m.Instrument).Select(g => $"{g.Key}={g.Sum(m => m.Value)}"));

    public void Dispose() => _listener.Dispose();

    private IEnumerable<(string Instrument, double Value, Dictionary<string, object?> Tags)> Select(string instrument, string? topic) =>
        _measurements.Where(m => m.Instrument == instrument && (topic is null || Equals(m.Tags.GetValueOrDefault("messaging.destination.name"), topic)));

    private void Add<T>(Instrument instrument, T value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        where T : struct => _measurements.Enqueue((instrument.Name, Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture), ToDictionary(tags)));

    private static Dictionary<string, object?> ToDictionary(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var result = new Dictionary<string, object?>();
        foreach (var tag in tags)
        {
            result[tag.Key] = tag.Value;
        }

        return result;
    }
}

/// <summary>Collects finished spans of the connector's ActivitySource, and offers a source for test parents.</summary>
internal sealed class SpanRecorder : IDisposable
{
    private readonly ActivityListener _listener;

    public SpanRecorder()
    {
        TestSource = new ActivitySource("KafkaConnector.Tests." + Guid.NewGuid().ToString("N"));
        _listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == KafkaConnectorInfo.Name || s == TestSource,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a => Completed.Add(a),
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public ActivitySource TestSource { get; }

    public ConcurrentBag<Activity> Completed { get; } = [];

    public void Dispose()
    {
        _listener.Dispose();
        TestSource.Dispose();
    }
}

/// <summary>A meter factory for unit tests of the metrics class.</summary>
internal sealed class TestMeterFactory : IMeterFactory
{
    private readonly List<Meter> _meters = [];

    public Meter Create(MeterOptions options)
    {
        var meter = new Meter(options.Name, options.Version, options.Tags, this);
        _meters.Add(meter);
        return meter;
    }

    public void Dispose() => _meters.ForEach(m => m.Dispose());
}
