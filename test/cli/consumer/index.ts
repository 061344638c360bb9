// A user's inference stack: a SageMaker real-time endpoint on one L4 in N. Virginia, and a clean
// asynchronous one in Stockholm. carbonguard should block the first and pass the second.
import * as aws from "@pulumi/aws";

const tags = { "ml-workload": "inference", team: "search" };

export const dirty = new aws.sagemaker.EndpointConfiguration("ranker-us-east-1", {
    region: "us-east-1",
    productionVariants: [{ variantName: "main", modelName: "ranker", instanceType: "ml.g6.xlarge", initialInstanceCount: 1 }],
    tags,
}).name;

export const clean = new aws.sagemaker.EndpointConfiguration("ranker-eu-north-1", {
    region: "eu-north-1",
    asyncInferenceConfig: { outputConfig: { s3OutputPath: "s3://ranker-results/out" } },
    productionVariants: [{ variantName: "main", modelName: "ranker", instanceType: "ml.g6.xlarge", initialInstanceCount: 1 }],
    tags,
}).name;
