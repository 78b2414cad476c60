using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.ExceptionServices;

namespace KafkaConnector.Tests.Security;

/// <summary>
/// Forwards every call of an interface to the real implementation and records it as
/// <c>Interface.Method</c>: proof of what reached the system side. Works for any interface, so it
/// keeps working when members are added.
/// </summary>
public class RecordingProxy : DispatchProxy
{
    private object _target = null!;
    private string _name = null!;
    private ConcurrentQueue<string> _calls = null!;

    public static T Wrap<T>(T target, ConcurrentQueue<string> calls)
        where T : class
    {
        var proxy = Create<T, RecordingProxy>();
        var recorder = (RecordingProxy)(object)proxy;
        recorder._target = target;
        recorder._name = typeof(T).Name;
        recorder._calls = calls;
        return proxy;
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        _calls.Enqueue($"{_name}.{targetMethod.Name}");
        try
        {
            return targetMethod.Invoke(_target, args);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            ExceptionDispatchInfo.Throw(e.InnerException);
            throw;
        }
    }
}
