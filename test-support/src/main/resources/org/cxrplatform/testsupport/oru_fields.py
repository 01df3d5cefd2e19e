"""Reads one ER7 HL7 v2 message (UTF-8) on stdin with python-hl7, an implementation independent of HAPI,
and prints the fields a RIS files a result by, one 'FIELD<TAB>value' line each, then one
'OBX<TAB>type|identifier|sub-id|value|status' line per OBX. Exits 1 if the message does not parse."""
import sys

import hl7

FIELDS = ['MSH.F9', 'MSH.F10', 'MSH.F12', 'MSH.F18', 'MSH.F21', 'PID.F3', 'PID.F5', 'PID.F7', 'PID.F8',
          'ORC.F1', 'ORC.F2', 'ORC.F3', 'ORC.F5', 'OBR.F2', 'OBR.F3', 'OBR.F4', 'OBR.F7', 'OBR.F18',
          'OBR.F22', 'OBR.F24', 'OBR.F25', 'OBR.F32']


def value(message, path):
    """The whole field (all components and repetitions) as encoded, '' when absent."""
    name, field = path.split('.F')
    try:
        segment = message.segment(name)
    except KeyError:
        return ''
    return str(segment[int(field)]) if len(segment) > int(field) else ''


def main():
    text = sys.stdin.buffer.read().decode('utf-8').strip('\r\n')
    try:
        message = hl7.parse(text)
        if not hl7.ishl7(text):
            raise ValueError('not an HL7 v2 message')
    except Exception as e:  # any parse failure is the finding
        print('unparseable: %s' % e, file=sys.stderr)
        return 1
    for path in FIELDS:
        print('%s\t%s' % (path, value(message, path)))
    for obx in message.segments('OBX'):
        print('OBX\t' + '|'.join(str(obx[i]) if len(obx) > i else '' for i in (2, 3, 4, 5, 11)))
    return 0


if __name__ == '__main__':
    sys.exit(main())
