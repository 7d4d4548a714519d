"""Write a decK-format state of N services, each with one route and one
plugin (3*N entities), for the bulk benchmark (make bench-bulk).

Usage: /usr/bin/python3 gen_state.py N FORMAT_VERSION > state.json   (JSON is YAML too)
"""
import json
import sys


def main():
    n = int(sys.argv[1])
    fmt = sys.argv[2] if len(sys.argv) > 2 else "3.0"
    services = []
    for i in range(n):
        services.append({
            "name": f"svc-{i:05d}",
            "host": f"backend-{i % 50}.internal",
            "port": 8080,
            "protocol": "http",
            "tags": ["bench"],
            "routes": [{
                "name": f"route-{i:05d}",
                "paths": [f"/api/{i:05d}"],
                "methods": ["GET", "POST"],
                "strip_path": True,
                "tags": ["bench"],
            }],
            "plugins": [{
                "name": "rate-limiting",
                "config": {"minute": 100 + i % 7, "policy": "local"},
                "tags": ["bench"],
            }],
        })
    json.dump({"_format_version": fmt, "services": services}, sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
