#!/usr/bin/env python3
"""The example cdktf app in Python: examples/basic (TypeScript) translated, plus the packageRef a
DLI job configuration uses, as an output.

Needs `pip install cdktf-dli-packages` (it brings cdktf, constructs and the jsii runtime) and
Node.js >= 20 on PATH (every jsii language runs the constructs in Node). `cdktf synth` runs
`python3 main.py` (cdktf.json) and sets CDKTF_OUTDIR; `python3 main.py` alone writes ./cdktf.out.
"""
import os

from cdktf import App, LocalBackend, TerraformOutput, TerraformStack
from constructs import Construct

from cdktf_dli_packages import FilePackageGroup, JarPackageGroup, ResourceType

BUCKET = "https://dli-examples.obs.cn-north-4.myhuaweicloud.com"


class BasicStack(TerraformStack):
    def __init__(self, scope: Construct, id: str, release: int = 1):
        super().__init__(scope, id)
        # State beside cdk.tf.json (cdktf's default is an absolute path under the current
        # directory, which would make the synthesized JSON machine-dependent).
        LocalBackend(self, path="terraform.tfstate")
        # TERRAFORM_DATA is built into Terraform (>= 1.4): no provider download.
        resource_type = ResourceType.TERRAFORM_DATA

        self.reports = FilePackageGroup(
            self,
            "reports",
            group="reports",
            region="cn-north-4",
            paths=[f"{BUCKET}/config/report-template.json", f"{BUCKET}/config/regions.csv"],
            resource_type=resource_type,
        )

        self.jobs = JarPackageGroup(
            self,
            "jobs",
            group="spark-jobs",
            region="cn-north-4",
            paths=[f"{BUCKET}/jars/release-{release}/etl-job.jar", f"{BUCKET}/jars/common/udf-lib.jar"],
            resource_type=resource_type,
        )

        # "spark-jobs/etl-job.jar": how a DLI Spark job names the jar of this group.
        TerraformOutput(self, "etl_job_ref", value=self.jobs.package_ref("etl-job.jar"))


app = App()
BasicStack(app, "basic", release=int(os.environ.get("DLI_EXAMPLE_RELEASE", "1")))
app.synth()
