import { checkObsPath } from "../../lib/contract";

describe("OBS path rules", () => {
  test.each([
    ["https://b1.obs.cn-north-4.myhuaweicloud.com/a.jar", "bucket names are 3–63"],
    ["https://a..b.obs.cn-north-4.myhuaweicloud.com/a.jar", "bucket names are 3–63"],
  ])("%s is rejected with the bucket rule", (path, fragment) => {
    const problems = checkObsPath(path, 0);
    expect(problems).toHaveLength(1);
    expect(problems[0].rule).toContain(fragment);
  });

  test("a valid virtual-hosted URL passes", () => {
    expect(checkObsPath("https://bkt.obs.cn-north-4.myhuaweicloud.com/jobs/a.jar", 0)).toEqual([]);
  });
});
