"""A tiny hand-checked China-Kazakhstan network used across the tests.

Places: CN_A (city) - CN_B (border) - KZ_C (border) - KZ_D (city), rail and road in
parallel; the rail border link changes gauge 1435 -> 1520. Numbers are chosen so
the totals are easy to check by hand (see test_routing.py).
"""

from __future__ import annotations

import io

import pandas as pd

PLACES = """place_id,name,country,lon,lat,kind,terminals,source
CN_A,Alpha,CN,80.0,44.0,city,road;rail_1435,test
CN_B,Bravo,CN,81.0,44.0,border_post,road;rail_1435,test
KZ_C,Charlie,KZ,81.1,44.0,border_post,road;rail_1520,test
KZ_D,Delta,KZ,82.5,44.0,city,road;rail_1520,test
"""

LINKS = """link_id,from_place,to_place,mode,name,length_km,gauge_mm,status,year_open,two_way,source
L1,CN_A,CN_B,rail,rail A-B,100,1435,existing,,true,test
L2,CN_B,KZ_C,rail,rail B-C,10,1435-1520,existing,,true,test
L3,KZ_C,KZ_D,rail,rail C-D,100,1520,existing,,true,test
R1,CN_A,CN_B,road,road A-B,120,,existing,,true,test
R2,CN_B,KZ_C,road,road B-C,12,,existing,,true,test
R3,KZ_C,KZ_D,road,road C-D,110,,existing,,true,test
N1,CN_A,KZ_D,road,new direct road,150,,planned,2030,true,test
"""

CROSSINGS = """crossing_id,name,place_a,place_b,mode,dwell_h,dwell_h_low,dwell_h_high,fee_usd_per_t,gauge_change,status,year_open,source
X_RAIL,B-C rail,CN_B,KZ_C,rail,10,5,20,5,true,existing,,test
X_ROAD,B-C road,CN_B,KZ_C,road,2,1,4,3,false,existing,,test
X_NEW,A-D road,CN_A,KZ_D,road,1,1,1,0,false,planned,2030,test
"""

TRANSFERS = """from_terminal,to_terminal,time_h,cost_usd_per_t,co2e_kg_per_t,source
place,road,1,2,0,test
road,place,1,2,0,test
place,rail_1435,5,6,0,test
rail_1435,place,5,6,0,test
place,rail_1520,5,6,0,test
rail_1520,place,5,6,0,test
rail_1435,rail_1520,3,7,0,test
rail_1520,rail_1435,3,7,0,test
road,rail_1435,4,8,0,test
rail_1435,road,4,8,0,test
road,rail_1520,4,8,0,test
rail_1520,road,4,8,0,test
"""

MODES = """mode,cost_usd_per_tkm,speed_kmh,co2e_kg_per_tkm,source
road,0.2,50,0.1,test
rail,0.02,40,0.02,test
air,1.0,500,1.0,test
sea,0.005,25,0.01,test
ferry,0.03,15,0.03,test
"""

COMMODITIES = """commodity,name,value_of_time_usd_per_t_h,value_usd_per_t,allowed_modes,source
container,container,1.0,,road;rail;sea;ferry,test
urgent,urgent,5.0,,road;rail;air;sea;ferry,test
"""


def frames() -> dict[str, pd.DataFrame]:
    """The six tables as string DataFrames (as read from CSV)."""
    def read(text: str) -> pd.DataFrame:
        return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)

    return {
        "places": read(PLACES),
        "links": read(LINKS),
        "crossings": read(CROSSINGS),
        "transfers": read(TRANSFERS),
        "modes": read(MODES),
        "commodities": read(COMMODITIES),
    }
