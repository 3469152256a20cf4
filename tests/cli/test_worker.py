"""The flask commands, run as an admin would run them."""





def test_worker_without_redis_says_so(runner):
    result = runner.invoke(args=["worker", "--burst"])
    assert result.exit_code == 1 and "REDIS_URL is not set" in result.output
