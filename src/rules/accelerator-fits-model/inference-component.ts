/**
 * SageMaker inference components (aws-native): several models share one endpoint's instances, each
 * component getting `numberOfAcceleratorDevicesRequired` of its accelerators. The model is named in
 * the component's own container environment, else in the SageMaker Model its `modelName` names;
 * the instance type is on the endpoint configuration's variant the component is placed on
 * (component → endpoint → endpoint configuration, the engine's joins). A component without an
 * accelerator count, or an adapter on a base component, is not judged (no claim).
 */
import { classifyAccelerators } from "../../engine/accelerator-classification";
import { resourceSubject, stackPath } from "../../engine/resource-names";
import { SM_INFERENCE_COMPONENT, configOfEndpoint, endpointOfComponent, keysAt, resolveLinks, resourcesOfTypes } from "../../engine/stack-joins";
import type { Outcome } from "../../engine/rule";
import { readArray, readNumber, readPath, readString } from "../../engine/values";
import type { ResourceView, StackView } from "../../engine/view";
import { type FitsModelConfig, judge } from "./judge";
import { NO_SERVED_MODEL, type ServedModel, envFromMap, servedByContainers } from "./serving";
import { SM_MODEL, servedBySageMakerModel } from "./sources";

const SPEC = ["specification"] as const;

/** What a component serves, and the Model it names (for the declared-size tag). */
function servedByComponent(stack: StackView, component: ResourceView): { served: ServedModel; model?: ResourceView } {
  const env = envFromMap(component.props, [...SPEC, "container", "environment"], "specification.container.environment");
  if (env.opaque !== undefined) return { served: { ...NO_SERVED_MODEL, id: { state: "opaque", path: env.opaque } } };
  const own = servedByContainers([{ env: env.env, argv: [], path: "specification.container" }]);
  if (own.id.state !== "absent") return { served: own };
  const models = resolveLinks(stack, component, {
    properties: ["specification"],
    refs: [readString(component.props, [...SPEC, "modelName"])],
    targetTypes: [SM_MODEL],
    keys: (v) => keysAt(v, ["name"], ["arn"]),
  });
  const model = models.found[0];
  if (models.found.length !== 1 || model === undefined) return { served: NO_SERVED_MODEL };
  return { served: servedBySageMakerModel(model), model };
}

/** The endpoint configuration variant the component is placed on, or where that is unknown. */
function placement(stack: StackView, component: ResourceView): { config: ResourceView; index: number } | { unknownPath?: string } {
  const endpoints = endpointOfComponent(stack, component);
  const endpoint = endpoints.found[0];
  if (endpoints.found.length !== 1 || endpoint === undefined) return endpoints.unresolved !== undefined ? { unknownPath: stackPath(component, endpoints.unresolved) } : {};
  const configs = configOfEndpoint(stack, endpoint);
  const config = configs.found[0];
  if (configs.found.length !== 1 || config === undefined) return configs.unresolved !== undefined ? { unknownPath: stackPath(endpoint, configs.unresolved) } : {};
  const variants = readArray(config.props, ["productionVariants"]);
  if (variants.state === "opaque") return { unknownPath: stackPath(config, variants.path) };
  if (variants.state !== "value") return {};
  const wanted = readString(component.props, ["variantName"]);
  let index: number | undefined;
  if (wanted.state === "value") index = variants.value.findIndex((_v, i) => {
    const name = readString(config.props, ["productionVariants", i, "variantName"]);
    return name.state === "value" && name.value === wanted.value;
  });
  else if (variants.value.length === 1) index = 0; // one variant: the component is on it whatever its name turns out to be
  if (index === undefined || index < 0) return wanted.state === "opaque" ? { unknownPath: stackPath(component, wanted.path) } : {};
  return { config, index };
}

export function inferenceComponentOutcomes(stack: StackView, config: FitsModelConfig): Outcome[] {
  const out: Outcome[] = [];
  for (const component of resourcesOfTypes(stack, [SM_INFERENCE_COMPONENT])) {
    if (readPath(component.props, [...SPEC, "baseInferenceComponentName"]).state !== "absent") continue; // an adapter: its base holds the model
    const devices = readNumber(component.props, [...SPEC, "computeResourceRequirements", "numberOfAcceleratorDevicesRequired"]);
    if (devices.state === "absent" || devices.state === "wrong-type") continue;
    const { served, model } = servedByComponent(stack, component);
    const placed = placement(stack, component);
    const granted = devices.state === "value" && Number.isInteger(devices.value) && devices.value >= 1 ? devices.value : undefined;
    let unknownPath: string | undefined = devices.state === "opaque" ? stackPath(component, devices.path) : undefined;
    let subjects: ReturnType<typeof classifyAccelerators>["subjects"] = [];
    if ("config" in placed) {
      const type = readString(placed.config.props, ["productionVariants", placed.index, "instanceType"]);
      subjects = classifyAccelerators(placed.config).subjects.filter((s) => s.use.path === type.path);
      if (type.state === "opaque") unknownPath ??= stackPath(placed.config, type.path);
    } else unknownPath ??= placed.unknownPath;
    if (granted === undefined) subjects = []; // the count is unknown: the fit can't be judged yet
    out.push(
      ...judge(
        {
          capacity: component,
          subjects,
          unknownPath,
          served,
          tagged: model ? [model, component] : [component],
          modelWhere: `The model of ${resourceSubject(component)}`,
          ...(granted !== undefined ? { granted } : {}),
          urn: component.urn,
          pathOf: (p) => stackPath(component, p),
        },
        config,
      ),
    );
  }
  return out;
}
