"""Pure domain rules: no I/O, no Qt, no database.

Glossary (English name in code → Chinese term):
    Case / CaseNo            办件 / 办件编号
    Bundle                   一件事 (打包办)
    Item                     事项
    SubItem                  拆包后的子事项 (one item routed to its unit)
    Situation                情形 (question whose answer adds situational items)
    Material                 申请材料
    tolerated                容缺 (material promised later under a signed commitment)
    shared                   共享获取 (material taken from shared data)
    credit promise           信用承诺 (on items that pay out money)
    instant / promised       即办件 / 承诺件
    statutory / committed    法定办结时限 / 承诺办结时限
    speed-up item            提速办 (committed limit ≤ half of the statutory one)
    supplement notice        一次性告知 (all missing materials at once)
    rejection                不予受理
    completion notice        办结通知 / 业务办理确认单
"""
