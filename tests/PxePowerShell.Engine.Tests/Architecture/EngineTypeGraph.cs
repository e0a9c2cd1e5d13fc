using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace PxePowerShell.Engine.Tests.Architecture;

/// <summary>
/// Every reference from one engine type to another, read from the engine assembly's metadata: base types,
/// interfaces, generic constraints, attributes, field, property, event and method signatures, locals and every
/// type, field or method an instruction names in the IL. Nested and compiler-generated types (closures, async state
/// machines) count as the top-level type that declares them.
/// </summary>
internal static class EngineTypeGraph
{
    private static readonly Lazy<IReadOnlyList<TypeDependency>> Cached = new(() => Read(typeof(PxePowerShell.Engine.Dhcp.DhcpMessage).Assembly.Location));

    public static IReadOnlyList<TypeDependency> Dependencies => Cached.Value;

    public static IReadOnlyList<TypeDependency> Read(string assemblyPath)
    {
        using var stream = File.OpenRead(assemblyPath);
        using var pe = new PEReader(stream);
        MetadataReader reader = pe.GetMetadataReader();
        var found = new HashSet<TypeDependency>();
        foreach (TypeDefinitionHandle handle in reader.TypeDefinitions)
        {
            string from = TopLevelName(reader, handle);
            if (from.Length == 0 || from.StartsWith('<'))
            {
                continue;
            }

            var collector = new SignatureTypeCollector(reader);
            CollectType(reader, pe, reader.GetTypeDefinition(handle), collector);
            foreach (TypeDefinitionHandle target in collector.Found)
            {
                string to = TopLevelName(reader, target);
                if (to != from && to.Length > 0 && !to.StartsWith('<'))
                {
                    found.Add(new TypeDependency(from, to));
                }
            }
        }

        return [.. found.OrderBy(d => d.From, StringComparer.Ordinal).ThenBy(d => d.To, StringComparer.Ordinal)];
    }

    private static void CollectType(MetadataReader reader, PEReader pe, TypeDefinition type, SignatureTypeCollector collector)
    {
        if (!type.BaseType.IsNil)
        {
            collector.Collect(type.BaseType);
        }

        foreach (InterfaceImplementationHandle implementation in type.GetInterfaceImplementations())
        {
            collector.Collect(reader.GetInterfaceImplementation(implementation).Interface);
        }

        CollectGenericConstraints(reader, type.GetGenericParameters(), collector);
        CollectAttributes(reader, type.GetCustomAttributes(), collector);
        foreach (FieldDefinitionHandle handle in type.GetFields())
        {
            FieldDefinition field = reader.GetFieldDefinition(handle);
            field.DecodeSignature(collector, null);
            CollectAttributes(reader, field.GetCustomAttributes(), collector);
        }

        foreach (PropertyDefinitionHandle handle in type.GetProperties())
        {
            PropertyDefinition property = reader.GetPropertyDefinition(handle);
            property.DecodeSignature(collector, null);
            CollectAttributes(reader, property.GetCustomAttributes(), collector);
        }

        foreach (EventDefinitionHandle handle in type.GetEvents())
        {
            collector.Collect(reader.GetEventDefinition(handle).Type);
        }

        foreach (MethodDefinitionHandle handle in type.GetMethods())
        {
            MethodDefinition method = reader.GetMethodDefinition(handle);
            method.DecodeSignature(collector, null);
            CollectAttributes(reader, method.GetCustomAttributes(), collector);
            CollectGenericConstraints(reader, method.GetGenericParameters(), collector);
            foreach (ParameterHandle parameter in method.GetParameters())
            {
                CollectAttributes(reader, reader.GetParameter(parameter).GetCustomAttributes(), collector);
            }

            if (method.RelativeVirtualAddress == 0)
            {
                continue;
            }

            MethodBodyBlock body = pe.GetMethodBody(method.RelativeVirtualAddress);
            if (!body.LocalSignature.IsNil)
            {
                collector.Collect(body.LocalSignature);
            }

            foreach (ExceptionRegion region in body.ExceptionRegions)
            {
                if (!region.CatchType.IsNil)
                {
                    collector.Collect(region.CatchType);
                }
            }

            foreach (EntityHandle token in IlTokens.Read(body.GetILBytes()!))
            {
                collector.Collect(token);
            }
        }
    }

    private static void CollectGenericConstraints(MetadataReader reader, GenericParameterHandleCollection parameters, SignatureTypeCollector collector)
    {
        foreach (GenericParameterHandle parameter in parameters)
        {
            foreach (GenericParameterConstraintHandle constraint in reader.GetGenericParameter(parameter).GetConstraints())
            {
                collector.Collect(reader.GetGenericParameterConstraint(constraint).Type);
            }
        }
    }

    private static void CollectAttributes(MetadataReader reader, CustomAttributeHandleCollection attributes, SignatureTypeCollector collector)
    {
        foreach (CustomAttributeHandle attribute in attributes)
        {
            collector.Collect(reader.GetCustomAttribute(attribute).Constructor);
        }
    }

    private static string TopLevelName(MetadataReader reader, TypeDefinitionHandle handle)
    {
        TypeDefinition type = reader.GetTypeDefinition(handle);
        while (type.IsNested)
        {
            type = reader.GetTypeDefinition(type.GetDeclaringType());
        }

        string ns = reader.GetString(type.Namespace);
        string name = reader.GetString(type.Name);
        return ns.Length == 0 ? name : ns + "." + name;
    }
}
